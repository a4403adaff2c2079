/* mokg static site: leaderboard sorting, filtering and search, the BibTeX copy button, the compare page.
   Plain JavaScript, no library; every page is readable without it. Data files are scripts that
   call window.mokgSearch / window.mokgCompare, loaded with <script> elements: a page opened from
   file:// may load scripts, not fetch files. */
(function () {
  "use strict";

  // ------------------------------------------------------------------ data scripts and search

  const loaded = {};

  /** Load a script once; resolves when it has run (its data is then registered). */
  function loadScript(src) {
    if (!loaded[src]) {
      loaded[src] = new Promise(function (resolve, reject) {
        const script = document.createElement("script");
        script.src = src;
        script.onload = resolve;
        script.onerror = function () { delete loaded[src]; reject(new Error("cannot load " + src)); };
        document.head.appendChild(script);
      });
    }
    return loaded[src];
  }

  const index = { firsts: null, total: 0, shards: {} };
  window.mokgSearch = {
    manifest: function (firsts, total) { index.firsts = firsts; index.total = total; },
    shard: function (number, entries) { index.shards[number] = entries; },
  };

  /** What the search compares, as the builder's search_key: letters and digits, lower case, no accents. */
  function searchKey(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
  }

  /** Models whose name (from any word) or slug starts with the query: [{label, path, page}], sorted by key. */
  function findModels(base, query, limit) {
    const key = searchKey(query);
    if (!key) return Promise.resolve([]);
    return loadScript(base + "index.js").then(function () {
      const firsts = index.firsts;
      let low = 0;
      let high = firsts.length - 1;
      let start = 0;
      while (low <= high) {  // the last shard whose first key is not after the query
        const middle = (low + high) >> 1;
        if (firsts[middle] <= key) { start = middle; low = middle + 1; } else { high = middle - 1; }
      }
      const found = [];
      const seen = {};
      function from(number) {
        if (number >= firsts.length || found.length >= limit) return Promise.resolve(found);
        if (number > start && !firsts[number].startsWith(key)) return Promise.resolve(found);
        return loadScript(base + number + ".js").then(function () {
          index.shards[number].forEach(function (entry) {
            if (found.length < limit && entry[0].startsWith(key) && !seen[entry[2]]) {
              seen[entry[2]] = true;
              found.push({ label: entry[1], path: entry[2], page: entry[3] });
            }
          });
          return from(number + 1);
        });
      }
      return from(start);
    });
  }

  function leaderboardPage(root, number) {
    return root + (number === 1 ? "index.html" : "leaderboard/" + number + ".html");
  }

  function setupSearch(form) {
    const input = form.querySelector("input[type=search]");
    const list = document.getElementById("model-search-results");
    const status = document.getElementById("model-search-status");
    const base = form.getAttribute("data-index");
    const root = form.getAttribute("data-root");
    let asked = 0;
    form.hidden = false;
    function show() {
      const query = input.value;
      const ticket = ++asked;
      if (!searchKey(query)) { list.textContent = ""; status.textContent = ""; return; }
      findModels(base, query, 20).then(function (models) {
        if (ticket !== asked) return;  // a later query is on its way
        list.textContent = "";
        models.forEach(function (m) {
          list.appendChild(el("li", {}, [
            el("a", { href: root + m.path }, [m.label]), " ",
            el("a", { href: leaderboardPage(root, m.page), class: "note" }, ["leaderboard page " + m.page]),
          ]));
        });
        status.textContent = models.length === 0 ? "No model found." :
          (models.length >= 20 ? "The first 20 models found." : models.length + (models.length === 1 ? " model found." : " models found."));
      }, function () { status.textContent = "The search index cannot be read."; });
    }
    input.addEventListener("input", show);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const first = list.querySelector("a");
      if (first) location.href = first.href;
    });
  }

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
      caption.textContent = table.getAttribute("data-shown") + ", sorted by " + name.toLowerCase() + ", " +
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

  const compareChunks = {};
  window.mokgCompare = { chunk: function (number, models) { compareChunks[number] = models; } };

  function setupCompare(form) {
    const data = JSON.parse(document.getElementById("compare-data").textContent);
    const base = form.getAttribute("data-index");
    const dataBase = form.getAttribute("data-data");
    const target = document.getElementById("comparison");
    const status = document.getElementById("compare-status");
    const chosenBox = document.getElementById("compare-chosen");
    const foundBox = document.getElementById("compare-found");
    const input = document.getElementById("compare-search");
    const chosen = [];  // compare entries, in the order chosen

    /** The compare entry of a model found by the search: read from its leaderboard page's data. */
    function entryOf(found) {
      return loadScript(dataBase + found.page + ".js").then(function () {
        const slug = decodeURIComponent(found.path.replace(/^model\//, "").replace(/\.html$/, ""));
        return compareChunks[found.page][slug];
      });
    }

    function checkbox(entry, checked) {
      const box = el("input", { type: "checkbox", value: entry.slug }, []);
      box.checked = checked;
      box.disabled = !checked && chosen.length >= 4;
      box.addEventListener("change", function () {
        if (box.checked) chosen.push(entry);
        else chosen.splice(chosen.findIndex(function (m) { return m.slug === entry.slug; }), 1);
        update(true);
      });
      return el("label", {}, [box, " " + entry.label]);
    }

    function render() {
      target.textContent = "";
      if (chosen.length < 2) {
        target.appendChild(el("p", { class: "muted" }, ["Choose at least two models above."]));
        return;
      }
      const models = chosen;
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
      row("Licence of the weights", models.map(function (m) { return text(m.licences.join(", ") || m.licenceStatus || ""); }));
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

    let asked = 0;
    function search() {
      const ticket = ++asked;
      findModels(base, input.value, 12).then(function (models) {
        return Promise.all(models.map(entryOf));
      }).then(function (entries) {
        if (ticket !== asked) return;
        foundBox.textContent = "";
        entries.forEach(function (entry) {
          if (entry && !chosen.some(function (m) { return m.slug === entry.slug; })) foundBox.appendChild(checkbox(entry, false));
        });
      });
    }

    function update(push) {
      chosenBox.textContent = "";
      chosen.forEach(function (entry) { chosenBox.appendChild(checkbox(entry, true)); });
      status.textContent = chosen.length < 2 ? "Pick " + (2 - chosen.length) + " more." : chosen.length + " models compared.";
      if (push) {
        try { history.replaceState(null, "", "?m=" + chosen.map(function (m) { return m.slug; }).join(",")); } catch (error) { /* file:// may refuse */ }
      }
      if (searchKey(input.value)) search(); else foundBox.textContent = "";
      render();
    }

    /** The model a slug of the address names: found by the search, whose keys include every slug. */
    function bySlug(slug) {
      return findModels(base, slug, 1000).then(function (models) {
        const found = models.find(function (m) { return decodeURIComponent(m.path) === "model/" + slug + ".html"; });
        return found ? entryOf(found) : null;
      });
    }

    const asked0 = [];
    new URLSearchParams(location.search).getAll("m").forEach(function (value) {
      value.split(",").forEach(function (s) {
        s = s.trim();
        if (s && asked0.indexOf(s) < 0 && asked0.length < 4) asked0.push(s);
      });
    });
    input.addEventListener("input", search);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    update(false);
    Promise.all(asked0.map(bySlug)).then(function (entries) {
      entries.forEach(function (entry) { if (entry) chosen.push(entry); });
      update(false);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const table = document.getElementById("leaderboard");
    if (table) setupLeaderboard(table);
    const search = document.getElementById("model-search");
    if (search) setupSearch(search);
    document.querySelectorAll("button.copy[data-copy]").forEach(setupCopy);
    const compare = document.getElementById("compare-form");
    if (compare) setupCompare(compare);
  });
})();
