// The mokg SPARQL query page: editor, example queries, running a query against the
// endpoint and showing its result. Vanilla ES2020, no dependencies, no external requests:
// everything goes to the endpoint named by the form's data-endpoint attribute.
"use strict";

(() => {
  const form = document.getElementById("query-form");
  if (!form) return;
  const endpoint = form.dataset.endpoint || form.getAttribute("action");
  const editor = document.getElementById("query");
  const runButton = document.getElementById("run");
  const shareLink = document.getElementById("share");
  const downloadLinks = Array.from(document.querySelectorAll("#downloads a"));
  const statusLine = document.getElementById("status");
  const truncatedNotice = document.getElementById("truncated");
  const errorBox = document.getElementById("error");
  const output = document.getElementById("output");
  const resultsSection = document.getElementById("results");
  const exampleButtons = Array.from(document.querySelectorAll("button.example"));

  const SOLUTION_DOWNLOADS = [
    ["csv", "CSV"],
    ["tsv", "TSV"],
    ["json", "JSON"],
  ];
  const GRAPH_DOWNLOADS = [
    ["ttl", "Turtle"],
    ["nt", "N-Triples"],
    ["jsonld", "JSON-LD"],
  ];
  const NUMERIC_TYPES = new Set([
    "integer", "decimal", "double", "float", "int", "long", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
  ]);
  const XSD_STRING = "XMLSchema#string";
  const RDF_LANG_STRING = "rdf-syntax-ns#langString";

  // ------------------------------------------------------------------ reading the query

  const IRI_REF = /^<[^<>"{}|^`\\\s]*>/;

  /** The query without comments, strings and IRIs (each replaced by a space). */
  function skeleton(text) {
    let out = "";
    let i = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === "#") {
        const end = text.indexOf("\n", i);
        i = end === -1 ? text.length : end;
        out += " ";
      } else if (c === "<") {
        const match = IRI_REF.exec(text.slice(i, i + 4096));
        if (match) {
          i += match[0].length;
          out += " ";
        } else {
          out += c;
          i += 1;
        }
      } else if (c === '"' || c === "'") {
        const long = text.startsWith(c.repeat(3), i);
        const quote = long ? c.repeat(3) : c;
        let j = i + quote.length;
        while (j < text.length && !text.startsWith(quote, j)) {
          if (!long && text[j] === "\n") break;
          j += text[j] === "\\" ? 2 : 1;
        }
        i = Math.min(text.length, j + quote.length);
        out += " ";
      } else {
        out += c;
        i += 1;
      }
    }
    return out;
  }

  /** SELECT, ASK, CONSTRUCT or DESCRIBE: the form of the query (SELECT when unknown). */
  function queryForm(text) {
    const match = /\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i.exec(skeleton(text));
    return match ? match[1].toUpperCase() : "SELECT";
  }

  function returnsGraph(text) {
    const form = queryForm(text);
    return form === "CONSTRUCT" || form === "DESCRIBE";
  }

  /** The PREFIX declarations of the query, longest namespace first, to shorten IRIs. */
  function declaredPrefixes(text) {
    const prefixes = [];
    const pattern = /PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>/gi;
    let match;
    while ((match = pattern.exec(text)) !== null) {
      prefixes.push([match[1] || "", match[2]]);
    }
    return prefixes.sort((a, b) => b[1].length - a[1].length);
  }

  function compact(iri, prefixes) {
    for (const [prefix, namespace] of prefixes) {
      if (namespace && iri.startsWith(namespace)) {
        const local = iri.slice(namespace.length);
        if (/^[\w-]*(\.[\w-]+)*$/.test(local)) return `${prefix}:${local}`;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ links and state

  // Only these IRIs become links. The test is on the exact value, nothing trimmed: a result
  // IRI or a query from a shared link (#query=…) may be javascript:, data:, vbscript:, file:…,
  // which must never be an href. No "u" flag: with it, /i would fold "ſ" to "s" and "K" to "k".
  const WEB_IRI = /^https?:/i;

  /** Whether an IRI may be the href of a link: http: or https: (any case), nothing else. */
  function isWebIri(value) {
    return typeof value === "string" && WEB_IRI.test(value);
  }

  function encodedQuery() {
    return encodeURIComponent(editor.value);
  }

  function pageUrl() {
    return `${location.origin}${location.pathname}${location.search}`;
  }

  function updateLinks() {
    const query = encodedQuery();
    shareLink.href = `${pageUrl()}#query=${query}`;
    const formats = returnsGraph(editor.value) ? GRAPH_DOWNLOADS : SOLUTION_DOWNLOADS;
    downloadLinks.forEach((link, index) => {
      const [format, label] = formats[index] || formats[0];
      link.textContent = label;
      link.dataset.format = format;
      link.href = `${endpoint}?query=${query}&format=${format}`;
      link.setAttribute("download", `mokg-result.${format}`);
    });
    markCurrentExample();
  }

  function markCurrentExample() {
    for (const button of exampleButtons) {
      if (button.dataset.query === editor.value) {
        button.setAttribute("aria-current", "true");
      } else {
        button.removeAttribute("aria-current");
      }
    }
  }

  /** The query in the page's fragment (#query=…), or null. "+" stays "+": SPARQL uses it. */
  function queryFromFragment() {
    const fragment = location.hash.replace(/^#/, "");
    for (const part of fragment.split("&")) {
      if (part.startsWith("query=")) {
        try {
          return decodeURIComponent(part.slice("query=".length));
        } catch (error) {
          return null;
        }
      }
    }
    return null;
  }

  function setQuery(text) {
    editor.value = text;
    editor.setSelectionRange(0, 0);
    editor.scrollTop = 0;
    updateLinks();
  }

  // ------------------------------------------------------------------ showing results

  function clearResult() {
    output.replaceChildren();
    errorBox.hidden = true;
    errorBox.replaceChildren();
    truncatedNotice.hidden = true;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showError(title, detail) {
    errorBox.replaceChildren(element("p", "error-title", title));
    if (detail) errorBox.append(element("pre", "error-detail", detail));
    errorBox.hidden = false;
  }

  function plural(count, one, many) {
    return `${count.toLocaleString("en")} ${count === 1 ? one : many}`;
  }

  /**
   * One RDF term of the SPARQL JSON results format, as a DOM node. An http(s) IRI is a link;
   * any other IRI (javascript:, data:, urn:, mailto:…) is the same text in a span.iri, no href.
   */
  function renderTerm(term, prefixes) {
    if (term.type === "uri") {
      const iri = String(term.value);
      const node = isWebIri(iri) ? element("a", "iri") : element("span", "iri");
      const short = compact(iri, prefixes);
      if (short) {
        node.textContent = short;
      } else {
        // A long IRI may wrap after a slash or hash, not in the middle of a name.
        iri.split(/(?<=[/#?&])/).forEach((piece, index) => {
          if (index) node.append(document.createElement("wbr"));
          node.append(piece);
        });
      }
      if (node.tagName === "A") node.href = iri;
      node.title = iri;
      return node;
    }
    if (term.type === "bnode") {
      return element("span", "bnode", `_:${term.value}`);
    }
    if (term.type === "triple") {
      const triple = element("span", "triple");
      triple.append("<< ");
      for (const part of ["subject", "predicate", "object"]) {
        triple.append(renderTerm(term.value[part], prefixes), " ");
      }
      triple.append(">>");
      return triple;
    }
    const literal = element("span", "literal");
    literal.append(element("span", "value", term.value));
    const lang = term["xml:lang"];
    const datatype = term.datatype;
    if (lang) {
      const tag = element("span", "lang", `@${lang}`);
      tag.title = "language tag";
      literal.append(tag);
    } else if (datatype && !datatype.endsWith(XSD_STRING) && !datatype.endsWith(RDF_LANG_STRING)) {
      const type = element("span", "datatype", `^^${compact(datatype, prefixes) || datatype.split(/[#/]/).pop()}`);
      type.title = datatype;
      literal.append(type);
    }
    return literal;
  }

  function isNumeric(term) {
    return term.type === "literal" && !!term.datatype && NUMERIC_TYPES.has(term.datatype.split("#").pop());
  }

  function renderSolutions(data, prefixes) {
    const variables = (data.head && data.head.vars) || [];
    const bindings = (data.results && data.results.bindings) || [];
    const table = element("table", "solutions");
    const caption = element("caption", "visually-hidden", `Query result: ${plural(bindings.length, "row", "rows")}`);
    table.append(caption);
    const head = table.createTHead().insertRow();
    const corner = element("th", "rownum", "#");
    corner.scope = "col";
    head.append(corner);
    for (const variable of variables) {
      const th = element("th", null, variable);
      th.scope = "col";
      head.append(th);
    }
    const body = table.createTBody();
    const rows = document.createDocumentFragment();
    bindings.forEach((binding, index) => {
      const row = document.createElement("tr");
      row.append(element("td", "rownum", String(index + 1)));
      for (const variable of variables) {
        const cell = document.createElement("td");
        const term = binding[variable];
        if (term) {
          if (isNumeric(term)) cell.className = "num";
          cell.append(renderTerm(term, prefixes));
        }
        row.append(cell);
      }
      rows.append(row);
    });
    body.append(rows);
    const wrapper = element("div", "table-wrapper");
    wrapper.append(table);
    output.replaceChildren(wrapper);
    return bindings.length;
  }

  function renderBoolean(value) {
    const answer = element("p", `boolean ${value ? "yes" : "no"}`, value ? "true" : "false");
    output.replaceChildren(answer);
  }

  function renderText(text, label) {
    const pre = element("pre", "graph", text);
    pre.setAttribute("aria-label", label);
    output.replaceChildren(pre);
  }

  /** The server's explanation of a failed request: its JSON "detail", else its text. */
  function errorDetail(text) {
    try {
      const data = JSON.parse(text);
      const detail = data && typeof data === "object" && "detail" in data ? data.detail : data;
      if (typeof detail === "string") return detail;
      if (Array.isArray(detail)) {
        return detail.map((item) => (item && item.msg) || JSON.stringify(item)).join("\n");
      }
      return JSON.stringify(detail, null, 2);
    } catch (error) {
      return text.trim();
    }
  }

  // ------------------------------------------------------------------ running

  let running = null;

  async function run() {
    const query = editor.value;
    if (!query.trim()) {
      clearResult();
      showError("The query is empty.", "");
      statusLine.textContent = "Nothing to run.";
      return;
    }
    if (running) running.abort();
    const controller = new AbortController();
    running = controller;
    const graph = returnsGraph(query);
    const prefixes = declaredPrefixes(query);
    history.replaceState(null, "", `#query=${encodedQuery()}`);
    updateLinks();
    clearResult();
    resultsSection.setAttribute("aria-busy", "true");
    runButton.textContent = "Running…";
    statusLine.textContent = "Running the query…";
    const started = performance.now();
    try {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
          Accept: graph ? "text/turtle" : "application/sparql-results+json",
        },
        body: new URLSearchParams({ query }).toString(),
        signal: controller.signal,
      });
      const text = await response.text();
      const ms = Math.round(performance.now() - started);
      if (running !== controller) return;
      if (!response.ok) {
        showError(`Error ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`, errorDetail(text));
        statusLine.textContent = `The query failed after ${ms} ms.`;
        return;
      }
      truncatedNotice.hidden = !response.headers.has("X-Result-Truncated");
      const type = (response.headers.get("Content-Type") || "").split(";")[0].trim();
      if (graph || !type.includes("json")) {
        const lines = text.split("\n").filter((line) => line.trim() && !/^\s*@?prefix\s/i.test(line)).length;
        renderText(text, "Query result as text");
        statusLine.textContent = `Graph (${type || "text"}, ${plural(lines, "line", "lines")}) in ${ms} ms.`;
        return;
      }
      const data = JSON.parse(text);
      if (typeof data.boolean === "boolean") {
        renderBoolean(data.boolean);
        statusLine.textContent = `ASK answered ${data.boolean} in ${ms} ms.`;
      } else {
        const count = renderSolutions(data, prefixes);
        statusLine.textContent = `${plural(count, "row", "rows")} in ${ms} ms.`;
      }
    } catch (error) {
      if (error.name === "AbortError") return;
      showError("The query could not be run.", String(error.message || error));
      statusLine.textContent = "The query failed.";
    } finally {
      if (running === controller) {
        running = null;
        resultsSection.removeAttribute("aria-busy");
        runButton.textContent = "Run query";
      }
    }
  }

  // ------------------------------------------------------------------ editor keys

  let tabLeaves = false;

  function insertText(text) {
    // execCommand keeps the browser's undo history; setRangeText is the fallback.
    if (!document.execCommand || !document.execCommand("insertText", false, text)) {
      editor.setRangeText(text, editor.selectionStart, editor.selectionEnd, "end");
      editor.dispatchEvent(new Event("input"));
    }
  }

  function indent(outdent) {
    const { value, selectionStart: start, selectionEnd: end } = editor;
    if (!outdent && !value.slice(start, end).includes("\n")) {
      insertText("  ");
      return;
    }
    const lineStart = value.lastIndexOf("\n", start - 1) + 1;
    const block = value.slice(lineStart, end);
    const changed = outdent
      ? block.replace(/^ {1,2}/gm, "")
      : block.replace(/^/gm, "  ");
    editor.setSelectionRange(lineStart, end);
    insertText(changed);
    editor.setSelectionRange(lineStart, lineStart + changed.length);
  }

  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
      return;
    }
    if (event.key === "Escape") {
      tabLeaves = true;
      return;
    }
    if (event.key === "Tab" && !tabLeaves && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      indent(event.shiftKey);
      return;
    }
    if (event.key !== "Shift") tabLeaves = false;
  });
  editor.addEventListener("blur", () => {
    tabLeaves = false;
  });
  editor.addEventListener("input", updateLinks);

  // ------------------------------------------------------------------ wiring

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });

  for (const button of exampleButtons) {
    button.addEventListener("click", () => {
      setQuery(button.dataset.query);
      editor.focus();
      statusLine.textContent = `Loaded the example “${button.textContent.trim()}”. Run it with the Run query button or Ctrl+Enter.`;
    });
  }

  shareLink.addEventListener("click", () => {
    // Following the link puts the query in the address bar; copying it saves a step.
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(shareLink.href).then(
        () => {
          statusLine.textContent = "The share link is in the address bar and copied to the clipboard.";
        },
        () => {},
      );
    }
  });

  /** Load the query of the fragment into the editor and run it (on a new fragment only, unless forced). */
  function loadFromFragment(force) {
    const query = queryFromFragment();
    if (query === null || (!force && query === editor.value)) return false;
    setQuery(query);
    run();
    return true;
  }

  window.addEventListener("hashchange", () => loadFromFragment(false));
  if (!loadFromFragment(true)) updateLinks();
})();
