/* mokg static site: leaderboard sorting and filtering, the BibTeX copy button, the compare page.
   Plain JavaScript, no library; every page is readable without it. */
(function () {
  "use strict";

  // ------------------------------------------------------------------ leaderboard

  function setupLeaderboard(table) {
    const tbody = table.tBodies[0];
    const caption = table.caption;
    const headers = Array.from(table.tHead.rows[0].cells);
    const total = tbody.rows.length;

    const ranks = JSON.parse(table.getAttribute("data-ranks") || "{}");
    Array.from(tbody.rows).forEach(function (row, index) { row.setAttribute("data-order", String(index)); });

    /** A cell's sort value: its data-value, the rank of its status class, or its text. */
    function valueOf(row, index, kind) {
      const cell = row.cells[index];
      if (!cell) return kind === "text" ? "" : -1;
      if (kind === "status") {
        const status = cell.className.replace(/^status-/, "");
        return status in ranks ? ranks[status] : -1;
      }
      const raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim().toLowerCase();
      if (kind !== "number") return raw;
      const number = parseFloat(raw);
      return isNaN(number) ? -1 : number;
    }

    function sortBy(th, direction) {
      const index = headers.indexOf(th);
      const kind = th.getAttribute("data-sort");
      const sign = direction === "ascending" ? 1 : -1;
      const rows = Array.from(tbody.rows);
      rows.sort(function (a, b) {
        const x = valueOf(a, index, kind);
        const y = valueOf(b, index, kind);
        let order = 0;
        if (kind !== "text") order = x - y;
        else order = x.localeCompare(y);
        if (order === 0) return Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
        return sign * order;
      });
      rows.forEach(function (row) { tbody.appendChild(row); });
      headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", direction);
      const name = th.querySelector(".sort").textContent;
      caption.textContent = total + " models, sorted by " + name.toLowerCase() + ", " +
        (direction === "ascending" ? (kind === "text" ? "A to Z" : "lowest first") : (kind === "text" ? "Z to A" : "highest first"));
    }

    headers.forEach(function (th) {
      if (!th.hasAttribute("data-sort")) return;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent.trim();
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        const current = th.getAttribute("aria-sort");
        const kind = th.getAttribute("data-sort");
        let next;
        if (current === "ascending") next = "descending";
        else if (current === "descending") next = "ascending";
        else next = kind === "text" ? "ascending" : "descending";
        sortBy(th, next);
      });
    });

    const form = document.getElementById("filters");
    if (!form) return;
    const count = document.getElementById("filter-count");
    form.hidden = false;

    function applyFilters() {
      const wanted = {};
      form.querySelectorAll("select[data-filter]").forEach(function (select) {
        wanted[select.getAttribute("data-filter")] = select.value;
      });
      let shown = 0;
      Array.from(tbody.rows).forEach(function (row) {
        const ok =
          (!wanted.org || (row.getAttribute("data-org") || "").split(" ").indexOf(wanted.org) >= 0) &&
          (!wanted.category || (row.getAttribute("data-category") || "").split("|").indexOf(wanted.category) >= 0) &&
          (!wanted.mof || row.getAttribute("data-mof") === wanted.mof) &&
          (!wanted.base || (row.getAttribute("data-lineage") || "").split(" ").indexOf(wanted.base) >= 0);
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = shown === total ? "Showing all " + total + " models." : "Showing " + shown + " of " + total + " models.";
    }

    form.addEventListener("change", applyFilters);
    form.addEventListener("reset", function () { window.setTimeout(applyFilters, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    applyFilters();
  }

  // ------------------------------------------------------------------ copy buttons

  function fallbackCopy(text) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-10000px";
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function setupCopy(button) {
    const source = document.getElementById(button.getAttribute("data-copy"));
    const status = button.parentNode.querySelector(".copy-status");
    if (!source) return;
    button.hidden = false;
    function say(message) { if (status) status.textContent = message; }
    button.addEventListener("click", function () {
      const text = source.textContent;
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(
          function () { say("Copied to the clipboard."); },
          function () { say(fallbackCopy(text) ? "Copied to the clipboard." : "Select the text and copy it."); }
        );
      } else {
        say(fallbackCopy(text) ? "Copied to the clipboard." : "Select the text and copy it.");
      }
    });
  }

  // ------------------------------------------------------------------ compare

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function badge(key, label) {
    return el("span", { class: "badge status-" + key }, [label]);
  }

  function setupCompare(form) {
    const data = JSON.parse(document.getElementById("compare-data").textContent);
    const bySlug = {};
    data.models.forEach(function (m) { bySlug[m.slug] = m; });
    const target = document.getElementById("comparison");
    const status = document.getElementById("compare-status");
    const boxes = Array.from(form.querySelectorAll("input[name=m]"));

    const asked = [];

    /** The checked models: those asked for in the address first, in its order, then the others. */
    function chosen() {
      const now = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
      const kept = asked.filter(function (s) { return now.indexOf(s) >= 0; });
      return kept.concat(now.filter(function (s) { return kept.indexOf(s) < 0; }));
    }

    function render(slugs) {
      target.textContent = "";
      if (slugs.length < 2) {
        target.appendChild(el("p", { class: "muted" }, ["Choose at least two models above."]));
        return;
      }
      const models = slugs.map(function (s) { return bySlug[s]; });
      const head = el("tr", {}, [el("td", {}, [])].concat(models.map(function (m) {
        return el("th", { scope: "col" }, [el("a", { href: m.href }, [m.label])]);
      })));
      const body = el("tbody", {}, []);
      function row(label, cells, cls) {
        body.appendChild(el("tr", cls ? { class: cls } : {}, [el("th", { scope: "row" }, [label])].concat(cells)));
      }
      function text(value) { return el("td", {}, [value === null || value === undefined || value === "" ? "—" : String(value)]); }
      row("Openness score", models.map(function (m) { return text(m.score === null ? "—" : m.score.toFixed(1)); }));
      row("MOF class", models.map(function (m) { return text(m.mof); }));
      row("OSAID", models.map(function (m) { return el("td", {}, [badge(m.osaidKey, m.osaid || "—")]); }));
      row("Organization", models.map(function (m) { return text(m.orgs.join(", ")); }));
      row("Licence of the weights", models.map(function (m) { return text(m.licences.join(", ")); }));
      row("Licence category", models.map(function (m) { return text(m.categories.join(", ")); }));
      row("Component groups", models.map(function () { return el("td", {}, []); }), "group");
      data.groups.forEach(function (g) {
        row(g[1], models.map(function (m) {
          const s = m.groups[g[0]];
          return el("td", {}, [badge(s, data.statusLabels[s])]);
        }));
      });
      row("MOF components (status, licences)", models.map(function () { return el("td", {}, []); }), "group");
      data.types.forEach(function (t) {
        row(t[1], models.map(function (m) {
          const key = m.types[t[0]] || "missing";
          const licences = m.componentLicences[t[0]] || [];
          const cell = el("td", {}, [badge(key, data.statusLabels[key])]);
          if (licences.length) cell.appendChild(el("span", { class: "note" }, [licences.join(", ")]));
          return cell;
        }));
      });
      target.appendChild(el("table", { class: "compare" }, [
        el("caption", { class: "visually-hidden" }, ["Comparison of " + models.map(function (m) { return m.label; }).join(", ")]),
        el("thead", {}, [head]),
        body,
      ]));
    }

    function update(push) {
      const slugs = chosen();
      boxes.forEach(function (b) { b.disabled = !b.checked && slugs.length >= 4; });
      status.textContent = slugs.length < 2 ? "Pick " + (2 - slugs.length) + " more." : slugs.length + " models compared.";
      if (push) {
        try { history.replaceState(null, "", "?m=" + slugs.join(",")); } catch (error) { /* file:// may refuse */ }
      }
      render(slugs);
    }

    const params = new URLSearchParams(location.search);
    params.getAll("m").forEach(function (value) {
      value.split(",").forEach(function (s) {
        s = s.trim();
        if (bySlug[s] && asked.indexOf(s) < 0 && asked.length < 4) asked.push(s);
      });
    });
    boxes.forEach(function (b) { b.checked = asked.indexOf(b.value) >= 0; });
    form.addEventListener("change", function () { update(true); });
    form.addEventListener("submit", function (event) { event.preventDefault(); update(true); });
    update(false);
  }

  document.addEventListener("DOMContentLoaded", function () {
    const table = document.getElementById("leaderboard");
    if (table) setupLeaderboard(table);
    document.querySelectorAll("button.copy[data-copy]").forEach(setupCopy);
    const compare = document.getElementById("compare-form");
    if (compare) setupCompare(compare);
  });
})();
