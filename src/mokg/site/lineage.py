"""The lineage diagram of a model: inline SVG, laid out at build time in layers.

Base models are above the model (the furthest ancestors at the top), derived models below it,
each layer sorted by label; the datasets the model was trained or fine-tuned on are a column on
the right. Arrows go from a base model to the model derived from it. The SVG is an image with
a text alternative (``role="img"``, ``<title>`` and ``<desc>``); the record page lists the same
relations as links.

A popular base model has thousands of descendants: a layer shows at most :data:`LAYER_LIMIT`
models (the first by label) and says how many more there are, so that every page stays small.
The adjacency of the whole graph is built once (:class:`Lineage`), not once per page.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from mokg.site.data import DERIVATION_LABELS, Entity

__all__ = ["LAYER_LIMIT", "Lineage", "lineage_svg"]

NODE_W, NODE_H = 184, 40
GAP_X, GAP_Y = 24, 56
DATA_GAP = 72
MAX_CHARS = 25
#: The most models one layer of a diagram shows (the rest are counted in a last "+N more" box).
LAYER_LIMIT = 8


class Lineage:
    """The derivations between models, indexed both ways once: base → derived and derived → base."""

    def __init__(self, edges: list[tuple[str, str, str]]) -> None:
        self.edges = edges
        self.up: dict[str, set[str]] = defaultdict(set)
        self.down: dict[str, set[str]] = defaultdict(set)
        self.out: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for edge in edges:
            child, _kind, parent = edge
            self.up[child].add(parent)
            self.down[parent].add(child)
            self.out[child].append(edge)


def _fit(label: str) -> str:
    return label if len(label) <= MAX_CHARS else label[: MAX_CHARS - 1].rstrip() + "…"


def _depths(start: str, links: dict[str, set[str]]) -> dict[str, int]:
    """Longest distance from ``start`` to every node reachable along ``links`` (a DAG; cycles are cut).

    Linear in the reachable edges: the nodes are put in topological order by a depth-first walk
    (an edge back into the walk's own path, a cycle, is ignored), then relaxed in that order.
    Enumerating paths instead is exponential in a graph of merges.
    """
    order: list[str] = []
    state: dict[str, int] = {start: 1}  # 1: on the walk's path, 2: done
    stack = [(start, iter(sorted(links.get(start, ()))))]
    while stack:
        node, children = stack[-1]
        for nxt in children:
            if nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(sorted(links.get(nxt, ())))))
                break
        else:
            stack.pop()
            state[node] = 2
            order.append(node)
    depth = {start: 0}
    position = {node: i for i, node in enumerate(order)}
    for node in reversed(order):  # from start outwards: every node before what it links to
        for nxt in links.get(node, ()):
            if position[nxt] < position[node] and depth.get(nxt, -1) < depth[node] + 1:
                depth[nxt] = depth[node] + 1
    del depth[start]
    return depth


def lineage_svg(
    model: Entity,
    lineage: Lineage,
    datasets: list[tuple[str, str]],
    pages: dict[str, Entity],
) -> str:
    """The lineage of ``model`` as an SVG element (a string), or ``""`` when it has none."""
    ancestors = _depths(model.iri, lineage.up)
    descendants = _depths(model.iri, lineage.down)
    if not ancestors and not descendants and not datasets:
        return ""
    layer = {model.iri: 0} | {a: -d for a, d in ancestors.items()} | {d: n for d, n in descendants.items()}

    def label(iri: str) -> str:
        return pages[iri].label if iri in pages else iri.rsplit("/", 1)[-1]

    rows: dict[int, list[str]] = defaultdict(list)
    for iri, n in layer.items():
        rows[n].append(iri)
    levels = sorted(rows)
    hidden: dict[int, int] = {}  # layer → models not drawn
    for n in levels:
        rows[n].sort(key=lambda i: (label(i).casefold(), i))
        if len(rows[n]) > LAYER_LIMIT:
            hidden[n] = len(rows[n]) - LAYER_LIMIT + 1
            for iri in rows[n][LAYER_LIMIT - 1 :]:
                del layer[iri]
            rows[n] = rows[n][: LAYER_LIMIT - 1]
    width_nodes = max(len(r) + (n in hidden) for n, r in rows.items())
    area_w = width_nodes * (NODE_W + GAP_X) - GAP_X
    pos: dict[str, tuple[float, float]] = {}
    more: list[tuple[float, float, int]] = []  # the "+N more" box of each cut layer: x, y, count
    for row_index, n in enumerate(levels):
        count = len(rows[n]) + (n in hidden)
        row_w = count * (NODE_W + GAP_X) - GAP_X
        x0 = (area_w - row_w) / 2
        y = 8 + row_index * (NODE_H + GAP_Y)
        for i, iri in enumerate(rows[n]):
            pos[iri] = (x0 + i * (NODE_W + GAP_X), y)
        if n in hidden:
            more.append((x0 + len(rows[n]) * (NODE_W + GAP_X), y, hidden[n]))
    data_nodes = [(rel, d) for rel, d in datasets]
    data_x = area_w + DATA_GAP if data_nodes else area_w
    model_y = pos[model.iri][1]
    data_h = len(data_nodes) * (NODE_H + 12) - 12
    data_y0 = max(8.0, model_y + NODE_H / 2 - data_h / 2)
    height = max(8 + len(levels) * (NODE_H + GAP_Y) - GAP_Y, data_y0 + data_h) + 16
    width = (data_x + NODE_W if data_nodes else area_w) + 8

    parts: list[str] = []
    # Derivation arrows, base → derived.
    for child, kind, parent in sorted(edge for iri in pos for edge in lineage.out.get(iri, ())):
        if parent in pos and layer[parent] < layer[child]:
            px, py = pos[parent]
            cx, cy = pos[child]
            x1, y1, x2, y2 = px + NODE_W / 2, py + NODE_H, cx + NODE_W / 2, cy - 4
            tag = DERIVATION_LABELS.get(kind, kind)
            # The label sits beside the line, on the side it leans away from.
            side, shift = (' class="left"', -6) if x2 < x1 else ("", 6)
            parts.append(
                f'<g class="edge"><title>{escape(label(child))}: {escape(tag)} from {escape(label(parent))}</title>'
                f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" marker-end="url(#arrow)"/>'
                f'<text{side} x="{(x1 + x2) / 2 + shift:.0f}" y="{(y1 + y2) / 2 + 4:.0f}">{escape(tag)}</text></g>'
            )
    # Dataset links, model → dataset.
    mx, my = pos[model.iri]
    for i in range(len(data_nodes)):
        dy = data_y0 + i * (NODE_H + 12) + NODE_H / 2
        parts.append(
            f'<path class="data-edge" d="M{mx + NODE_W:.0f},{my + NODE_H / 2:.0f} '
            f"C{mx + NODE_W + DATA_GAP / 2 + 10:.0f},{my + NODE_H / 2:.0f} "
            f'{data_x - DATA_GAP / 2 - 10:.0f},{dy:.0f} {data_x:.0f},{dy:.0f}"/>'
        )
    for iri, (x, y) in sorted(pos.items(), key=lambda kv: (kv[1][1], kv[1][0])):
        cls = "node focus" if iri == model.iri else "node"
        parts.append(
            f'<g class="{cls}"><title>{escape(label(iri))}</title>'
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="6"/>'
            f'<text x="{x + NODE_W / 2:.0f}" y="{y + NODE_H / 2 + 4:.0f}">{escape(_fit(label(iri)))}</text></g>'
        )
    for x, y, count in more:
        parts.append(
            f'<g class="node more"><title>{count:,} more models in this layer</title>'
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="6"/>'
            f'<text x="{x + NODE_W / 2:.0f}" y="{y + NODE_H / 2 + 4:.0f}">+{count:,} more</text></g>'
        )
    for i, (rel, iri) in enumerate(data_nodes):
        y = data_y0 + i * (NODE_H + 12)
        how = "fine-tuned on" if rel == "finetunedOn" else "trained on"
        parts.append(
            f'<g class="node dataset"><title>{escape(how)} {escape(label(iri))}</title>'
            f'<rect x="{data_x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="14"/>'
            f'<text x="{data_x + NODE_W / 2:.0f}" y="{y + NODE_H / 2 + 4:.0f}">{escape(_fit(label(iri)))}</text></g>'
        )

    sentences = [f"Lineage of {model.label}."]
    for name, group in (("Base models", ancestors), ("Derived models", descendants)):
        shown = sorted((label(i) for i in group if i in layer), key=str.casefold)
        if shown:
            rest = len(group) - len(shown)
            sentences.append(f"{name}: {', '.join(shown)}{f' and {rest:,} more' if rest else ''}.")
    for rel, name in (("trainedOn", "Trained on"), ("finetunedOn", "Fine-tuned on")):
        names = sorted((label(d) for r, d in data_nodes if r == rel), key=str.casefold)
        if names:
            sentences.append(f"{name}: {', '.join(names)}.")
    desc = " ".join(sentences)
    slug = escape(model.slug)
    return (
        f'<svg class="lineage-svg" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="lineage-svg-title-{slug} lineage-svg-desc-{slug}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}">'
        f'<title id="lineage-svg-title-{slug}">Lineage diagram of {escape(model.label)}</title>'
        f'<desc id="lineage-svg-desc-{slug}">{escape(desc)}</desc>'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>' + "".join(parts) + "</svg>"
    )
