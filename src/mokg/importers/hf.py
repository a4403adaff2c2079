"""Hugging Face model cards: the licence a card declares, and the model's lineage, data and evaluations.

A model card is the ``README.md`` of a model repository on the Hugging Face Hub: Markdown with a
YAML front matter between two ``---`` lines. This importer reads that front matter.

What the Hub documents (found with the ``search`` look-ups: stored copies of ``huggingface/hub-docs``)
----------------------------------------------------------------------------------------------------
- ``huggingface/hub-docs`` ``docs/hub/model-cards.md`` ("Model card metadata"): the keys
  ``language``, ``license``, ``tags``, ``datasets``, ``metrics``, ``base_model`` ("a single model
  ID or an array of one or more base_models (specified by their Hub identifier)"), ``library_name``,
  ``pipeline_tag``, and ``license: other`` with ``license_name`` and ``license_link`` (a URL, or a
  ``LICENSE`` file in the repository) for a custom licence.
- The same page, newer revision (the stored hub-docs copy predates it; two third-party copies
  quote it, one citing ``huggingface/hub-docs@08175d0f`` lines 105-156): "The Hub will infer the
  type of relationship from the current model to the base model (``"adapter", "merge",
  "quantized", "finetune"``) but you can also set it explicitly if needed:
  ``base_model_relation: quantized``"; "In the merge case, you specify a list of two or more
  base_models". How the Hub infers it is **not documented**: it runs on the Hub, which also sees
  the repository's files. A reply in ``huggingface.co/bartowski/Codestral-22B-v0.1-GGUF``
  discussion 2, pointing to that section, only says "we auto-detect whether a model is a
  finetune, merge, or quant of its base_model(s)"; Librarian Bot pull requests say they took
  ``base_model`` "from the ``adapter_config.json`` file" of PEFT adapters. So mokg approximates
  the inference from what a card (and a downloaded repository folder) shows, in this order:

  1. ``adapter`` — an ``adapter_config.json`` next to the card, ``library_name: peft``, or a
     ``peft``/``lora`` tag;
  2. ``quantized`` — ``*.gguf`` files next to the card, a ``quantized_by`` key, a quantization
     format as ``library_name`` or tag (``gguf``, ``gptq``, ``awq``, ``exl2``, ``4-bit`` …), or a
     repository name ending in ``-GGUF``/``-GPTQ``/``-AWQ``/``-EXL2``;
  3. ``merge`` — two or more base models (or a ``merge``/``mergekit`` tag);
  4. ``finetune`` otherwise. An explicit ``base_model_relation`` always wins.
- ``huggingface/hub-docs`` ``modelcard.md`` (the metadata spec): ``model-index`` is a list of
  ``{name, results: [{task: {type, name}, dataset: {type, name, config, split}, metrics: [{type,
  value, name}], source}]}``; ``dataset.type`` is a Hub dataset id.
- ``huggingface/hub-docs`` ``docs/hub/repositories-licenses.md``: the licence identifiers a card
  may use (``apache-2.0``, ``mit``, ``openrail``, ``bigscience-openrail-m``,
  ``creativeml-openrail-m``, ``bigscience-bloom-rail-1.0``, ``bigcode-openrail-m``, the ``cc-*``,
  ``gpl-*``, ``bsd-*`` … ids, ``deepfloyd-if-license``, ``llama2``, ``gemma``, ``unknown``,
  ``other``); hub-docs pull request 1619 adds ``llama3.3`` after ``llama3``, ``llama3.1`` and
  ``llama3.2``. :data:`HUB_LICENSES` maps every one of them; any other value is a Problem.

Input layout
------------
``read`` takes card files and folders. A folder is searched recursively for ``README.md`` files and
for ``*.md`` files whose name holds ``__``. The model's Hub id is, in this order: the card's
``model_id`` key (``org/name``), its ``model_name`` key when it holds a ``/``, else the file's place:
``org__name/README.md`` or ``org__name.md`` (``__`` stands for the ``/``), or ``org/name/README.md``
(the two folders above the card). A card whose id cannot be told is a Problem.

Mapping
-------
- ``license`` → the licence (see :data:`HUB_LICENSES`): an SPDX id becomes
  ``<http://spdx.org/licenses/{SPDX-id}>`` (exact SPDX casing), with a ``licenses/{SPDX-id}.ttl``
  record written when the store lacks it; a Hub-specific id becomes a mokg licence
  ``<license/{id}>`` (``llama2`` → the curated ``llama-2-community``, ``bigscience-bloom-rail-1.0``
  → the curated record, the others are written when
  missing); ``other`` needs ``license_name`` and becomes ``<license/{slug of license_name}>``
  (``license_link`` as ``foaf:homepage``, resolved against the repository when relative),
  a ``mokg:ProprietaryLicense`` with all four booleans false unless the store already knows it;
  ``unknown`` names no licence: the licence status ``mokg:NoAssertion`` (with the card's word in
  ``mokg:licenseStatement``), and the claim names no ``mokg:claimedLicense``.
  **A missing or unknown licence id is a Problem and the card is skipped**: the claim is about
  the licence, and a new model record without a licence would fail the shapes (and
  ``mokg:NoAssertion`` would be a false fact: the card does declare terms).
- The claim: one ``mokg:OpennessClaim`` per card about the weights, ``mokg:claimedLicense`` the
  licence, level = the licence's ceiling (its own ``mokg:levelCeiling`` or its category's:
  permissive, copyleft, open data → Level 4; RAIL, community, terms of service, mixed → Level 3;
  non-commercial → Level 2; proprietary, undisclosed, ``other`` → Level 1), at most Level 3 when
  the card says access must be approved (``gated: manual``), ``mokg:levelLabel`` that level's
  ``skos:prefLabel``, motivation "Hugging Face model card declares license: X". Source
  ``<source/hugging-face-model-cards>`` (each card's own licence applies; none is stated for the
  collection).
- A model the graph already has (by Hub id, or by name when that model has no other Hub id) gets
  only the claim: curated facts win. A new model gets a record: label (``model_name`` or the name
  part of the id), a generated description, creator (the org part of the id, matched against the
  organizations by label, slug or a few known Hub org names, else a new ``organizations/{slug}.ttl``),
  licence, ``skos:exactMatch <https://huggingface.co/{id}>``, ``dcterms:source``, a ``#weights``
  artifact at ``https://huggingface.co/{id}`` (``mokg:DirectDownload``; ``mokg:Clickthrough``
  when ``gated`` or an ``extra_gated_*`` key is present; ``mokg:Registration`` for
  ``gated: manual``) and a ``#model-card`` artifact. Cards carry no release date, so
  ``dcterms:issued`` is left out (a warning of the shapes).
- ``base_model`` (string or list) → ``mokg:adapterOf`` / ``mokg:quantizedFrom`` /
  ``mokg:mergedFrom`` / ``mokg:finetunedFrom`` (relation as above) to the matched model; an
  unknown base that has no card in the same import becomes a minimal model record (its Hub id, its
  org, weights at its Hub page, licence status ``mokg:NoAssertion`` since its terms were not imported).
- ``datasets`` → ``mokg:finetunedOn`` for a model with a base model, else ``mokg:trainedOn``: a
  dataset is matched by ``dcat:landingPage <https://huggingface.co/datasets/{id}>``, else a minimal
  dataset record is written (licence status ``mokg:NoAssertion``, ``mokg:DirectDownload``, creator = the org
  part of the id); an id without an org part that matches nothing cannot get a creator and is named
  in the model's description instead.
- ``language`` → ``dcterms:language`` literals; ``pipeline_tag`` and ``tags`` → ``dcterms:subject``
  literals.
- ``model-index`` → one ``#evaluation-results`` artifact (``mokg:EvaluationResults``) whose
  description lists every task, dataset and metric, plus ``mokg:evaluatedOn`` for the datasets with
  a Hub id (matched or created as above).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from mokg.importers.base import ImportContext, ImportResult, Match, Problem, match_record, normalize, slugify
from mokg.importers.licensing import Licensing

__all__ = ["HUB_LICENSES", "SOURCE_SLUG", "read"]

SOURCE_SLUG = "hugging-face-model-cards"
HUB = "https://huggingface.co/"

_MOKG = "https://w3id.org/mokg/ontology#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_DCT = "http://purl.org/dc/terms/"
_DCAT = "http://www.w3.org/ns/dcat#"
_FOAF = "http://xmlns.com/foaf/0.1/"
_PROV = "http://www.w3.org/ns/prov#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_SPDX = "http://spdx.org/licenses/"

RELATIONS = {
    "adapter": "adapterOf",
    "merge": "mergedFrom",
    "quantized": "quantizedFrom",
    "finetune": "finetunedFrom",
}

_QUANT_MARKS = {"gguf", "ggml", "gptq", "awq", "exl2", "exl3", "quantized", "4-bit", "8-bit", "4bit", "8bit"}
_QUANT_SUFFIX = re.compile(r"-(gguf|ggml|gptq|awq|exl2|exl3)$", re.IGNORECASE)
_ADAPTER_MARKS = {"peft", "lora"}
_MERGE_MARKS = {"merge", "mergekit"}

#: Hub org names whose mokg organization has another label or slug.
ORG_ALIASES = {
    "meta-llama": "meta",
    "facebook": "meta",
    "huggingfaceh4": "hugging-face",
    "huggingface": "hugging-face",
    "tiiuae": "tii",
    "allenai": "ai2",
    "microsoft": "microsoft-research",
    "togethercomputer": "together",
    "stabilityai": "stability-ai",
    "mistralai": "mistral-ai",
    "sambanovasystems": "sambanova",
    "stanfordnlp": "stanford-nlp",
    "lmsys": "lmsys",
}


@dataclass(frozen=True)
class Licence:
    """A licence fact sheet: written as a record when the store does not have it."""

    label: str
    category: str  # local name in mokg: PermissiveLicense …
    osi: bool = False
    open_data: bool = False
    commercial: bool = False
    research_only: bool = False
    homepage: str | None = None
    notes: tuple[str, ...] = ()
    description: str | None = None


def _spdx(label: str, category: str, homepage: str, *, osi: bool = False, data: bool = False) -> Licence:
    return Licence(label, category, osi=osi, open_data=data, commercial=True, homepage=homepage)


def _cc(kind: str, version: str) -> Licence:
    names = {
        "by": "Attribution",
        "by-sa": "Attribution Share Alike",
        "by-nc": "Attribution Non Commercial",
        "by-nd": "Attribution No Derivatives",
        "by-nc-nd": "Attribution Non Commercial No Derivatives",
        "by-nc-sa": "Attribution Non Commercial Share Alike",
    }
    label = f"Creative Commons {names[kind]} {version}"
    page = f"https://creativecommons.org/licenses/{kind}/{version}/"
    if "nc" in kind:
        return Licence(
            label,
            "NonCommercialLicense",
            research_only=True,
            homepage=page,
            notes=("NonCommercial: you may not use the material for commercial purposes.",),
        )
    if "nd" in kind:
        # Commercial use is allowed, but no modified version may be shared: not open, and none of
        # the open categories; conservative, as for unknown terms.
        return Licence(
            label,
            "ProprietaryLicense",
            commercial=True,
            homepage=page,
            notes=("NoDerivatives: if you remix, transform, or build upon the material, you may not distribute it.",),
        )
    return Licence(label, "OpenDataLicense", open_data=True, commercial=True, homepage=page)


#: Hub licence id → (IRI tail, fact sheet). An IRI tail starting with ``spdx:`` is an SPDX id;
#: otherwise it is the id of a mokg licence ``<license/{id}>``. A ``None`` fact sheet means the
#: record is curated and must exist in the store.
HUB_LICENSES: dict[str, tuple[str, Licence | None]] = {
    "apache-2.0": (
        "spdx:Apache-2.0",
        _spdx("Apache License 2.0", "PermissiveLicense", "https://www.apache.org/licenses/LICENSE-2.0", osi=True),
    ),
    "mit": ("spdx:MIT", _spdx("MIT License", "PermissiveLicense", "https://opensource.org/license/mit", osi=True)),
    "afl-3.0": (
        "spdx:AFL-3.0",
        _spdx(
            "Academic Free License v3.0", "PermissiveLicense", "https://opensource.org/license/afl-3-0-php", osi=True
        ),
    ),
    "artistic-2.0": (
        "spdx:Artistic-2.0",
        _spdx("Artistic License 2.0", "PermissiveLicense", "https://opensource.org/license/artistic-2-0", osi=True),
    ),
    "bsl-1.0": (
        "spdx:BSL-1.0",
        _spdx("Boost Software License 1.0", "PermissiveLicense", "https://www.boost.org/LICENSE_1_0.txt", osi=True),
    ),
    "bsd-2-clause": (
        "spdx:BSD-2-Clause",
        _spdx(
            'BSD 2-Clause "Simplified" License',
            "PermissiveLicense",
            "https://opensource.org/license/bsd-2-clause",
            osi=True,
        ),
    ),
    "bsd-3-clause": (
        "spdx:BSD-3-Clause",
        _spdx(
            'BSD 3-Clause "New" or "Revised" License',
            "PermissiveLicense",
            "https://opensource.org/license/bsd-3-clause",
            osi=True,
        ),
    ),
    # Not OSI-approved (the FSF lists it as free): permissive, but not "open" by mokg's test.
    "bsd-3-clause-clear": (
        "spdx:BSD-3-Clause-Clear",
        _spdx("BSD 3-Clause Clear License", "PermissiveLicense", "https://spdx.org/licenses/BSD-3-Clause-Clear.html"),
    ),
    "bsd": (
        "hf-bsd",
        Licence(
            "BSD licence family (version not stated)",
            "PermissiveLicense",
            osi=True,
            commercial=True,
            homepage="https://opensource.org/license/bsd-3-clause",
        ),
    ),
    "c-uda": (
        "spdx:C-UDA-1.0",
        Licence(
            "Computational Use of Data Agreement v1.0",
            "ProprietaryLicense",
            homepage="https://github.com/microsoft/Computational-Use-of-Data-Agreement",
            notes=(
                "Data may be used for computational analysis; results may be shared, the data only under the same "
                "agreement.",
            ),
        ),
    ),
    "cc": (
        "hf-cc",
        Licence(
            "Creative Commons licence family (licence not stated)",
            "ProprietaryLicense",
            homepage="https://creativecommons.org/licenses/",
            notes=(
                "The card names the Creative Commons family without saying which licence: it may forbid "
                "commercial use or derivatives.",
            ),
        ),
    ),
    "cc0-1.0": (
        "spdx:CC0-1.0",
        _spdx(
            "Creative Commons Zero v1.0 Universal",
            "OpenDataLicense",
            "https://creativecommons.org/publicdomain/zero/1.0/",
            data=True,
        ),
    ),
    **{
        f"cc-{kind}-{version}": (f"spdx:CC-{kind.upper()}-{version}", _cc(kind, version))
        for kind, versions in {
            "by": ("2.0", "2.5", "3.0", "4.0"),
            "by-sa": ("3.0", "4.0"),
            "by-nc": ("2.0", "3.0", "4.0"),
            "by-nd": ("4.0",),
            "by-nc-nd": ("3.0", "4.0"),
            "by-nc-sa": ("2.0", "3.0", "4.0"),
        }.items()
        for version in versions
    },
    "cdla-sharing-1.0": (
        "spdx:CDLA-Sharing-1.0",
        _spdx(
            "Community Data License Agreement Sharing 1.0",
            "OpenDataLicense",
            "https://cdla.dev/sharing-1-0/",
            data=True,
        ),
    ),
    "cdla-permissive-1.0": (
        "spdx:CDLA-Permissive-1.0",
        _spdx(
            "Community Data License Agreement Permissive 1.0",
            "OpenDataLicense",
            "https://cdla.dev/permissive-1-0/",
            data=True,
        ),
    ),
    "cdla-permissive-2.0": (
        "spdx:CDLA-Permissive-2.0",
        _spdx(
            "Community Data License Agreement Permissive 2.0",
            "OpenDataLicense",
            "https://cdla.dev/permissive-2-0/",
            data=True,
        ),
    ),
    "wtfpl": (
        "spdx:WTFPL",
        _spdx("Do What The F*ck You Want To Public License", "PermissiveLicense", "http://www.wtfpl.net/about/"),
    ),
    "ecl-2.0": (
        "spdx:ECL-2.0",
        _spdx(
            "Educational Community License v2.0",
            "PermissiveLicense",
            "https://opensource.org/license/ecl-2-0",
            osi=True,
        ),
    ),
    "epl-1.0": (
        "spdx:EPL-1.0",
        _spdx("Eclipse Public License 1.0", "CopyleftLicense", "https://opensource.org/license/epl-1-0", osi=True),
    ),
    "epl-2.0": (
        "spdx:EPL-2.0",
        _spdx("Eclipse Public License 2.0", "CopyleftLicense", "https://opensource.org/license/epl-2-0", osi=True),
    ),
    "etalab-2.0": (
        "spdx:etalab-2.0",
        _spdx(
            "Etalab Open License 2.0",
            "OpenDataLicense",
            "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            data=True,
        ),
    ),
    "eupl-1.1": (
        "spdx:EUPL-1.1",
        _spdx(
            "European Union Public License 1.1", "CopyleftLicense", "https://opensource.org/license/eupl-1-1", osi=True
        ),
    ),
    "agpl-3.0": (
        "spdx:AGPL-3.0-only",
        _spdx(
            "GNU Affero General Public License v3.0 only",
            "CopyleftLicense",
            "https://www.gnu.org/licenses/agpl-3.0.html",
            osi=True,
        ),
    ),
    "gfdl": (
        "hf-gfdl",
        Licence(
            "GNU Free Documentation License family (version not stated)",
            "CopyleftLicense",
            commercial=True,
            homepage="https://www.gnu.org/licenses/fdl-1.3.html",
        ),
    ),
    "gpl": (
        "hf-gpl",
        Licence(
            "GNU General Public License family (version not stated)",
            "CopyleftLicense",
            osi=True,
            commercial=True,
            homepage="https://www.gnu.org/licenses/gpl-3.0.html",
        ),
    ),
    "gpl-2.0": (
        "spdx:GPL-2.0-only",
        _spdx(
            "GNU General Public License v2.0 only",
            "CopyleftLicense",
            "https://www.gnu.org/licenses/old-licenses/gpl-2.0.html",
            osi=True,
        ),
    ),
    "gpl-3.0": (
        "spdx:GPL-3.0-only",
        _spdx(
            "GNU General Public License v3.0 only",
            "CopyleftLicense",
            "https://www.gnu.org/licenses/gpl-3.0.html",
            osi=True,
        ),
    ),
    "lgpl": (
        "hf-lgpl",
        Licence(
            "GNU Lesser General Public License family (version not stated)",
            "CopyleftLicense",
            osi=True,
            commercial=True,
            homepage="https://www.gnu.org/licenses/lgpl-3.0.html",
        ),
    ),
    "lgpl-2.1": (
        "spdx:LGPL-2.1-only",
        _spdx(
            "GNU Lesser General Public License v2.1 only",
            "CopyleftLicense",
            "https://www.gnu.org/licenses/old-licenses/lgpl-2.1.html",
            osi=True,
        ),
    ),
    "lgpl-3.0": (
        "spdx:LGPL-3.0-only",
        _spdx(
            "GNU Lesser General Public License v3.0 only",
            "CopyleftLicense",
            "https://www.gnu.org/licenses/lgpl-3.0.html",
            osi=True,
        ),
    ),
    "isc": (
        "spdx:ISC",
        _spdx("ISC License", "PermissiveLicense", "https://opensource.org/license/isc-license-txt", osi=True),
    ),
    "lppl-1.3c": (
        "spdx:LPPL-1.3c",
        _spdx(
            "LaTeX Project Public License v1.3c",
            "CopyleftLicense",
            "https://www.latex-project.org/lppl/lppl-1-3c/",
            osi=True,
        ),
    ),
    "ms-pl": (
        "spdx:MS-PL",
        _spdx("Microsoft Public License", "PermissiveLicense", "https://opensource.org/license/ms-pl-html", osi=True),
    ),
    "mpl-2.0": (
        "spdx:MPL-2.0",
        _spdx("Mozilla Public License 2.0", "CopyleftLicense", "https://www.mozilla.org/en-US/MPL/2.0/", osi=True),
    ),
    "odc-by": (
        "spdx:ODC-By-1.0",
        _spdx(
            "Open Data Commons Attribution License v1.0",
            "OpenDataLicense",
            "https://opendatacommons.org/licenses/by/1-0/",
            data=True,
        ),
    ),
    "odbl": (
        "spdx:ODbL-1.0",
        _spdx(
            "Open Data Commons Open Database License v1.0",
            "OpenDataLicense",
            "https://opendatacommons.org/licenses/odbl/1-0/",
            data=True,
        ),
    ),
    "osl-3.0": (
        "spdx:OSL-3.0",
        _spdx("Open Software License 3.0", "CopyleftLicense", "https://opensource.org/license/osl-3-0-php", osi=True),
    ),
    "postgresql": (
        "spdx:PostgreSQL",
        _spdx("PostgreSQL License", "PermissiveLicense", "https://opensource.org/license/postgresql", osi=True),
    ),
    "ofl-1.1": (
        "spdx:OFL-1.1",
        _spdx("SIL Open Font License 1.1", "CopyleftLicense", "https://openfontlicense.org/", osi=True),
    ),
    "ncsa": (
        "spdx:NCSA",
        _spdx(
            "University of Illinois/NCSA Open Source License",
            "PermissiveLicense",
            "https://opensource.org/license/uoi-ncsa-php",
            osi=True,
        ),
    ),
    "unlicense": ("spdx:Unlicense", _spdx("The Unlicense", "PermissiveLicense", "https://unlicense.org/", osi=True)),
    "zlib": ("spdx:Zlib", _spdx("zlib License", "PermissiveLicense", "https://opensource.org/license/zlib", osi=True)),
    "pddl": (
        "spdx:PDDL-1.0",
        _spdx(
            "Open Data Commons Public Domain Dedication & License 1.0",
            "OpenDataLicense",
            "https://opendatacommons.org/licenses/pddl/1-0/",
            data=True,
        ),
    ),
    "lgpl-lr": (
        "spdx:LGPLLR",
        _spdx(
            "Lesser General Public License For Linguistic Resources",
            "CopyleftLicense",
            "https://www-igm.univ-mlv.fr/~unitex/lgpllr.html",
        ),
    ),
    "deepfloyd-if-license": (
        "deepfloyd-if-license",
        Licence(
            "DeepFloyd IF Research License Agreement",
            "NonCommercialLicense",
            research_only=True,
            homepage="https://huggingface.co/spaces/DeepFloyd/deepfloyd-if-license",
            notes=("Non-commercial research use only.",),
        ),
    ),
    "openrail": ("openrail", None),
    "bigscience-openrail-m": ("bigscience-openrail-m", None),
    "creativeml-openrail-m": ("creativeml-openrail-m", None),
    "openrail++": ("openrail-plus-plus-m", None),
    "bigcode-openrail-m": ("bigcode-openrail-m", None),
    "bigscience-bloom-rail-1.0": ("bigscience-bloom-rail-1.0", None),
    "llama2": ("llama-2-community", None),
    "llama3": ("llama-3-community", None),
    "llama3.1": ("llama-3.1-community", None),
    "llama3.2": ("llama-3.2-community", None),
    "llama3.3": ("llama-3.3-community", None),
    "gemma": ("gemma-terms", None),
    "unknown": ("status:NoAssertion", None),
}

_CATEGORY_CEILING = {
    "PermissiveLicense": 4,
    "CopyleftLicense": 4,
    "OpenDataLicense": 4,
    "ResponsibleAILicense": 3,
    "CommunityLicense": 3,
    "TermsOfService": 3,
    "MixedLicensing": 3,
    "NonCommercialLicense": 2,
    "ProprietaryLicense": 1,
}
_LEVEL_LABELS = {
    0: "No public information or access",
    1: "Published research only",
    2: "Research use only",
    3: "Open with limitations",
    4: "Access and reuse without restriction",
}


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _m(local: str) -> ox.NamedNode:
    return ox.NamedNode(_MOKG + local)


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def _licensed(node: str, licence: str) -> list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]]:
    """``dcterms:license``, or ``mokg:licenseStatus`` with the card's word when it named no licence (``unknown``)."""
    said = Licensing(_iri(licence))
    if licence.startswith(_MOKG):  # a status (license: unknown): the card's word kept
        said = Licensing(status=_iri(licence), statement="unknown")
    return [(t.subject, t.predicate, t.object) for t in said.triples(_iri(node))]


def _bool(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=ox.NamedNode(_XSD + "boolean"))


TYPE = _iri(_RDF_TYPE)
LABEL = _iri(_RDFS + "label")
DESCRIPTION = _iri(_DCT + "description")
LICENSE = _iri(_DCT + "license")
CREATOR = _iri(_DCT + "creator")
HOMEPAGE = _iri(_FOAF + "homepage")


# --- reading cards ------------------------------------------------------------------------------


@dataclass
class Card:
    """One model card: where it was read, its front matter and the model's Hub id."""

    path: Path
    shown: str
    meta: dict[str, Any]
    hf_id: str
    siblings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def org(self) -> str:
        return self.hf_id.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.hf_id.split("/", 1)[1]


_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^---[ \t]*\r?$", re.DOTALL | re.MULTILINE)
_HF_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")


def _card_files(paths: Sequence[Path]) -> list[tuple[Path, Path | None]]:
    """The card files to read, each with the folder it was found under (None for a file given directly)."""
    found: list[tuple[Path, Path | None]] = []
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*.md")):
                if file.is_file() and (file.name.lower() == "readme.md" or "__" in file.stem):
                    found.append((file, path))
        else:
            found.append((path, None))
    return found


def _front_matter(text: str) -> dict[str, Any] | str:
    """The front matter as a mapping, or the reason it cannot be read."""
    match = _FRONT.match(text)
    if match is None:
        return "no YAML front matter: a model card starts with a '---' line and its metadata ends with another"
    try:
        # BaseLoader keeps every scalar a string: no `language: no` → False, no `llama3.1` → float.
        meta = yaml.load(match.group(1), Loader=yaml.BaseLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        return f"malformed YAML front matter{where}: {problem}"
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        return "malformed YAML front matter: it is not a mapping of keys to values"
    return meta


def _hub_id(meta: dict[str, Any], file: Path, root: Path | None) -> str | None:
    for key in ("model_id", "model_name"):
        value = meta.get(key)
        if isinstance(value, str) and _HF_ID.match(value.strip()):
            return value.strip()
    if file.name.lower() != "readme.md":
        candidate = file.stem.replace("__", "/", 1)
        return candidate if _HF_ID.match(candidate) else None
    folder = file.parent
    if "__" in folder.name:
        candidate = folder.name.replace("__", "/", 1)
        return candidate if _HF_ID.match(candidate) else None
    # org/name/README.md: both folders must lie inside the folder given (or, for a file given
    # directly, simply exist above it).
    if root is not None and folder.resolve() != root.resolve():
        relative = folder.resolve().relative_to(root.resolve()).parts
        if len(relative) >= 2:
            candidate = "/".join(relative[-2:])
            return candidate if _HF_ID.match(candidate) else None
        return None
    if root is None and folder.parent != folder:
        candidate = f"{folder.parent.name}/{folder.name}"
        return candidate if _HF_ID.match(candidate) else None
    return None


def _strings(value: Any) -> list[str]:
    """A scalar or list of scalars as a list of non-empty strings (other shapes give [])."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [item.strip() for item in value if isinstance(item, str) and item.strip()]
    return []


def _true(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() not in ("", "false", "no", "off", "0", "null", "~")


# --- the importer -------------------------------------------------------------------------------


class _Importer:
    def __init__(self, context: ImportContext) -> None:
        self.context = context
        self.base = context.base_iri
        self.result = ImportResult()
        self.source = f"{self.base}source/{SOURCE_SLUG}"
        self.new_models: dict[str, str] = {}  # IRI → Hub id, models this run writes records for
        self.written: set[str] = set()  # IRIs of licences, orgs and datasets this run writes
        self.own = context.records_from(_iri(self.source))  # models an earlier import of cards made
        self.models_hf: dict[str, set[str]] = {}
        for row in context.store.query("SELECT ?m ?match WHERE { ?m a mokg:Model ; skos:exactMatch ?match }"):
            match = row["match"].value
            if "huggingface.co/" in match:
                hf = match.split("huggingface.co/", 1)[1].strip("/").lower()
                self.models_hf.setdefault(row["m"].value, set()).add(hf)
        self.datasets: dict[str, str] = {}
        for row in context.store.query("SELECT ?d ?page WHERE { ?d a mokg:Dataset ; dcat:landingPage ?page }"):
            page = row["page"].value
            if "huggingface.co/datasets/" in page:
                hf = page.split("huggingface.co/datasets/", 1)[1].strip("/").lower()
                self.datasets.setdefault(hf, row["d"].value)
        self.orgs = context.organizations()
        self.levels = dict(_LEVEL_LABELS)
        for row in context.store.query(
            "SELECT ?v ?label WHERE { ?l skos:inScheme mokg:OpennessLevelScheme ; "
            "mokg:levelValue ?v ; skos:prefLabel ?label }"
        ):
            self.levels[int(row["v"].value)] = row["label"].value

    # -- helpers --

    def add(self, file: str, *triples: tuple[str | ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]) -> None:
        self.result.add(file, (ox.Triple(_iri(s) if isinstance(s, str) else s, p, o) for s, p, o in triples))

    def problem(self, card: Card, key: str | None, message: str) -> None:
        self.result.problems.append(Problem(card.shown, key, message))

    def exists(self, iri: str) -> bool:
        return iri in self.written or self.context.exists(iri)

    # -- licences --

    def licence(self, card: Card) -> tuple[str, str] | None:
        """The licence IRI and the motivation's wording; writes the record if needed. None: a Problem."""
        raw = card.meta.get("license")
        if raw is None:
            self.problem(card, "license", "missing required key 'license': the card declares no licence; card skipped")
            return None
        ids = _strings(raw)
        if len(ids) != 1:
            self.problem(card, "license", f"'license' must be one licence id, not {raw!r}; card skipped")
            return None
        hub_id = ids[0].lower()
        if hub_id == "other":
            return self.other_licence(card)
        if hub_id not in HUB_LICENSES:
            self.problem(card, "license", f"unknown licence id '{ids[0]}' in {card.shown}:license; card skipped")
            return None
        tail, facts = HUB_LICENSES[hub_id]
        if tail.startswith("status:"):  # "unknown" names no licence: a licence status (absence is not a licence)
            return f"{_MOKG}{tail.removeprefix('status:')}", f"license: {ids[0]}"
        if tail.startswith("spdx:"):
            spdx_id = tail.removeprefix("spdx:")
            iri, file = f"{_SPDX}{spdx_id}", f"licenses/{spdx_id}.ttl"
        else:
            spdx_id, iri, file = tail, f"{self.base}license/{tail}", f"licenses/{tail}.ttl"
        if not self.exists(iri):
            if facts is None:  # a curated record the graph should have
                self.problem(card, "license", f"licence record <{iri}> is missing from the graph; card skipped")
                return None
            self.write_licence(iri, file, spdx_id, facts)
        return iri, f"license: {ids[0]}"

    def other_licence(self, card: Card) -> tuple[str, str] | None:
        names = _strings(card.meta.get("license_name"))
        if len(names) != 1:
            self.problem(card, "license_name", "'license: other' needs one 'license_name'; card skipped")
            return None
        name = names[0]
        slug = slugify(name)
        iri, file = f"{self.base}license/{slug}", f"licenses/{slug}.ttl"
        links = _strings(card.meta.get("license_link"))
        link = None
        if links:
            link = links[0]
            if not re.match(r"^https?://", link):
                link = f"{HUB}{card.hf_id}/blob/main/{link.lstrip('./')}"
        if not self.exists(iri):
            facts = Licence(
                name,
                "ProprietaryLicense",
                homepage=link,
                description=f"Custom licence declared on Hugging Face model cards as 'license: other' with "
                f"license_name '{name}'. Its terms were not reviewed: no rights are assumed.",
            )
            self.write_licence(iri, file, slug, facts)
        wording = f"license: other (license_name: {name}" + (f", license_link: {links[0]})" if links else ")")
        return iri, wording

    def write_licence(self, iri: str, file: str, licence_id: str, facts: Licence) -> None:
        self.written.add(iri)
        triples = [
            (iri, TYPE, _m("License")),
            (iri, LABEL, _en(facts.label)),
            (iri, _m("licenseId"), ox.Literal(licence_id)),
            (iri, _m("licenseCategory"), _m(facts.category)),
            (iri, _m("osiApproved"), _bool(facts.osi)),
            (iri, _m("openData"), _bool(facts.open_data)),
            (iri, _m("commercialUseAllowed"), _bool(facts.commercial)),
            (iri, _m("researchOnly"), _bool(facts.research_only)),
            *((iri, _m("restrictionNote"), _en(note)) for note in facts.notes),
        ]
        if facts.homepage:
            triples.append((iri, HOMEPAGE, _iri(facts.homepage)))
        if facts.description:
            triples.append((iri, DESCRIPTION, _en(facts.description)))
        self.add(file, *triples)

    def ceiling(self, licence: str) -> int:
        rows = list(
            self.context.store.query(
                f"""SELECT ?own ?category WHERE {{ OPTIONAL {{ {ox.NamedNode(licence)} mokg:levelCeiling ?own }}
                     OPTIONAL {{ {ox.NamedNode(licence)} mokg:licenseCategory/mokg:levelCeiling ?category }} }}"""
            )
        )
        for row in rows:
            for name in ("own", "category"):
                if row[name] is not None:
                    return int(row[name].value)
        # A licence this run writes: its category's ceiling.
        for triple in self.result.files.get(self.licence_file(licence), []):
            if triple.predicate.value == _MOKG + "licenseCategory":
                return _CATEGORY_CEILING[triple.object.value.removeprefix(_MOKG)]
        return 1

    def licence_file(self, licence: str) -> str:
        tail = licence.removeprefix(_SPDX).removeprefix(f"{self.base}license/")
        return f"licenses/{tail}.ttl"

    # -- organizations, models, datasets --

    def org(self, hf_org: str) -> str:
        key = hf_org.lower()
        alias = ORG_ALIASES.get(key)
        if alias and f"{self.base}org/{alias}" in self.orgs.values():
            return f"{self.base}org/{alias}"
        if normalize(hf_org) in self.orgs:
            return self.orgs[normalize(hf_org)]
        slug = slugify(hf_org)
        iri = f"{self.base}org/{slug}"
        if not self.exists(iri):
            self.written.add(iri)
            self.add(
                f"organizations/{slug}.ttl",
                (iri, TYPE, _m("Organization")),
                (iri, LABEL, _en(hf_org)),
                (iri, DESCRIPTION, _en(f"Publisher of models or datasets on the Hugging Face Hub as {hf_org}.")),
                (iri, HOMEPAGE, _iri(f"{HUB}{hf_org}")),
            )
        self.orgs[normalize(hf_org)] = iri
        return iri

    def match(self, hf_id: str, label: str | None = None) -> Match:
        """The model a Hub id names: by Hub id; by name only if that model has no other Hub id."""
        name = label or hf_id.split("/", 1)[1]
        found = self.context.match_model(name, hf_id=hf_id)
        if found.how == "name":
            known = self.models_hf.get(found.iri, set())
            if known and hf_id.lower() not in known:
                # Another repository (a fork, a quantization) with the same name: a model of its own.
                iri = f"{self.base}model/{slugify(hf_id.replace('/', '-'))}"
                found = Match(name, iri, "new")
        if found.how == "new" or found.iri in self.new_models:
            # A model this run creates stays "new" when a later card names it again.
            self.new_models.setdefault(found.iri, hf_id.lower())
            self.models_hf.setdefault(found.iri, set()).add(hf_id.lower())
            found = Match(name, found.iri, "new")
        return found

    def dataset(self, card: Card, hf_id: str) -> str | None:
        """The dataset a Hub dataset id names: matched by landing page, else a new minimal record."""
        if hf_id.lower() in self.datasets:
            return self.datasets[hf_id.lower()]
        if not _HF_ID.match(hf_id):
            return None
        org, name = hf_id.split("/", 1)
        slug = slugify(name)
        iri = f"{self.base}dataset/{slug}"
        if self.exists(iri):
            slug = slugify(f"{org}-{name}")
            iri = f"{self.base}dataset/{slug}"
        self.datasets[hf_id.lower()] = iri
        if self.exists(iri):
            return iri
        self.written.add(iri)
        self.add(
            f"datasets/{slug}.ttl",
            (iri, TYPE, _m("Dataset")),
            (iri, LABEL, _en(name)),
            (
                iri,
                DESCRIPTION,
                _en(
                    f"Dataset published on the Hugging Face Hub as {hf_id}, named in the model card of {card.hf_id}; "
                    "not described further."
                ),
            ),
            (iri, CREATOR, _iri(self.org(org))),
            (iri, _m("licenseStatus"), _m("NoAssertion")),
            (iri, _m("availability"), _m("DirectDownload")),
            (iri, _iri(_DCAT + "landingPage"), _iri(f"{HUB}datasets/{hf_id}")),
        )
        return iri

    # -- one card --

    def relation(self, card: Card, bases: list[str]) -> str:
        explicit = card.meta.get("base_model_relation")
        if explicit is not None:
            value = explicit.strip().lower() if isinstance(explicit, str) else ""
            if value in RELATIONS:
                return value
            self.problem(
                card,
                "base_model_relation",
                f"unknown relation {explicit!r} (the Hub knows adapter, merge, quantized, finetune); inferred instead",
            )
        marks = {tag.lower() for tag in _strings(card.meta.get("tags"))}
        library = (
            (card.meta.get("library_name") or "").lower() if isinstance(card.meta.get("library_name"), str) else ""
        )
        marks.add(library)
        if "adapter_config.json" in card.siblings or marks & _ADAPTER_MARKS:
            return "adapter"
        if (
            any(name.lower().endswith(".gguf") for name in card.siblings)
            or "quantized_by" in card.meta
            or marks & _QUANT_MARKS
            or _QUANT_SUFFIX.search(card.name)
        ):
            return "quantized"
        if len(bases) > 1 or marks & _MERGE_MARKS:
            return "merge"
        return "finetune"

    def availability(self, card: Card) -> str:
        gated = card.meta.get("gated")
        if isinstance(gated, str) and gated.strip().lower() == "manual":
            return "Registration"
        if _true(gated) or any(key.startswith("extra_gated_") for key in card.meta):
            return "Clickthrough"
        return "DirectDownload"

    def prepare(self, card: Card) -> tuple[Card, Match, str | None, tuple[str, str]] | None:
        """Match the card's model and resolve its licence; None when the card is skipped."""
        label = card.meta.get("model_name") if isinstance(card.meta.get("model_name"), str) else None
        if label and "/" in label:
            label = None
        found = self.match(card.hf_id, label)
        self.result.matches.append(found)
        licensed = self.licence(card)
        return None if licensed is None else (card, found, label, licensed)

    def card(self, card: Card, found: Match, label: str | None, licensed: tuple[str, str]) -> None:
        licence, wording = licensed
        slug = found.iri.removeprefix(f"{self.base}model/")
        availability = self.availability(card)
        level = self.ceiling(licence)
        if availability == "Registration":
            level = min(level, 3)
        claim = f"{self.base}claim/{SOURCE_SLUG}/{slug}/weights"
        self.add(
            f"claims/{SOURCE_SLUG}/{slug}.ttl",
            (claim, TYPE, _m("OpennessClaim")),
            (claim, _m("aboutModel"), _iri(found.iri)),
            (claim, _m("componentType"), _m("ModelParametersFinal")),
            (claim, _m("opennessLevel"), _m(f"Level{level}")),
            (claim, _m("levelLabel"), _en(self.levels[level])),
            (claim, _m("motivation"), _en(f"Hugging Face model card declares {wording}")),
            *(((claim, _m("claimedLicense"), _iri(licence)),) if not licence.startswith(_MOKG) else ()),
            (claim, _iri(_PROV + "wasQuotedFrom"), _iri(self.source)),
            (claim, _iri(_RDFS + "seeAlso"), _iri(f"{HUB}{card.hf_id}")),
        )
        node = _iri(f"{self.base}claim/{SOURCE_SLUG}/{slug}/match")
        record = match_record(found, node, _iri(self.source), card.shown, self.own)
        self.result.add(f"claims/{SOURCE_SLUG}/{slug}.ttl", record)
        if self.new_models.get(found.iri) == card.hf_id.lower():
            self.model_record(card, found.iri, label or card.name, licence, availability)

    def model_record(self, card: Card, model: str, label: str, licence: str, availability: str) -> None:
        file = f"models/{model.removeprefix(f'{self.base}model/')}.ttl"
        page = f"{HUB}{card.hf_id}"
        weights, model_card = f"{model}#weights", f"{model}#model-card"
        notes: list[str] = []
        triples: list[tuple[str, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
            (model, TYPE, _m("Model")),
            (model, LABEL, _en(label)),
            (model, CREATOR, _iri(self.org(card.org))),
            *_licensed(model, licence),
            (model, _iri(_SKOS + "exactMatch"), _iri(page)),
            (model, _iri(_DCT + "source"), _iri(self.source)),
            (model, _m("hasComponent"), _iri(weights)),
            (model, _m("hasComponent"), _iri(model_card)),
            (weights, TYPE, _m("Artifact")),
            (weights, LABEL, _en(f"{label} weights")),
            (weights, _m("componentType"), _m("ModelParametersFinal")),
            *_licensed(weights, licence),
            (weights, _m("location"), _iri(page)),
            (weights, _m("availability"), _m(availability)),
            (model_card, TYPE, _m("Artifact")),
            (model_card, LABEL, _en(f"{label} model card")),
            (model_card, _m("componentType"), _m("ModelCard")),
            *_licensed(model_card, licence),
            (model_card, _m("location"), _iri(page)),
            (model_card, _m("availability"), _m("DirectDownload")),
        ]
        bases = _strings(card.meta.get("base_model"))
        if card.meta.get("base_model") is not None and not bases:
            self.problem(card, "base_model", "'base_model' must be a model id or a list of model ids; key skipped")
        if bases:
            relation = RELATIONS[self.relation(card, bases)]
            for base in sorted(set(bases)):
                if not _HF_ID.match(base):
                    self.problem(card, "base_model", f"'{base}' is not a Hub model id (org/name); skipped")
                    continue
                base_iri = self.base_model(card, base)
                if base_iri == model:
                    self.problem(card, "base_model", f"the card names its own model '{base}' as base model; skipped")
                    continue
                triples.append((model, _m(relation), _iri(base_iri)))
        data_property = _m("finetunedOn" if bases else "trainedOn")
        unlinked: list[str] = []
        for hf_dataset in sorted(set(_strings(card.meta.get("datasets")))):
            dataset = self.dataset(card, hf_dataset)
            if dataset is None:
                unlinked.append(hf_dataset)
            else:
                triples.append((model, data_property, _iri(dataset)))
        if unlinked:
            notes.append(f"The card also names datasets without a Hub organization, not linked: {', '.join(unlinked)}.")
        for language in sorted(set(_strings(card.meta.get("language")))):
            triples.append((model, _iri(_DCT + "language"), ox.Literal(language)))
        for subject in sorted(set(_strings(card.meta.get("tags")) + _strings(card.meta.get("pipeline_tag")))):
            triples.append((model, _iri(_DCT + "subject"), ox.Literal(subject)))
        triples += self.evaluation(card, model, licence, page)
        pipeline = _strings(card.meta.get("pipeline_tag"))
        description = f"Model published on the Hugging Face Hub as {card.hf_id}" + (
            f" ({pipeline[0]})." if pipeline else "."
        )
        description += " Facts imported from its model card's metadata."
        if notes:
            description += " " + " ".join(notes)
        triples.append((model, DESCRIPTION, _en(description)))
        self.add(file, *triples)

    def base_model(self, card: Card, hf_id: str) -> str:
        found = self.match(hf_id)
        self.result.matches.append(found)
        if self.new_models.get(found.iri) == hf_id.lower() and hf_id.lower() not in self.carded:
            self.minimal_model(found.iri, hf_id, card)
        return found.iri

    def minimal_model(self, model: str, hf_id: str, card: Card) -> None:
        if model in self.written:
            return
        self.written.add(model)
        org, name = hf_id.split("/", 1)
        page = f"{HUB}{hf_id}"
        weights = f"{model}#weights"
        self.add(
            f"models/{model.removeprefix(f'{self.base}model/')}.ttl",
            (model, TYPE, _m("Model")),
            (model, LABEL, _en(name)),
            (
                model,
                DESCRIPTION,
                _en(
                    f"Model published on the Hugging Face Hub as {hf_id}, named as a base model by the card of "
                    f"{card.hf_id}; its own card was not imported, so its terms are not known here."
                ),
            ),
            (model, CREATOR, _iri(self.org(org))),
            (model, _m("licenseStatus"), _m("NoAssertion")),
            (model, _iri(_SKOS + "exactMatch"), _iri(page)),
            (model, _iri(_DCT + "source"), _iri(self.source)),
            (model, _m("hasComponent"), _iri(weights)),
            (weights, TYPE, _m("Artifact")),
            (weights, LABEL, _en(f"{name} weights")),
            (weights, DESCRIPTION, _en("Published on the Hugging Face Hub; licence and access terms not imported.")),
            (weights, _m("componentType"), _m("ModelParametersFinal")),
            (weights, _m("licenseStatus"), _m("NoAssertion")),
            (weights, _m("location"), _iri(page)),
            (weights, _m("availability"), _m("DirectDownload")),
        )

    def evaluation(self, card: Card, model: str, licence: str, page: str) -> list[tuple[str, ox.NamedNode, Any]]:
        index = card.meta.get("model-index")
        if index is None:
            return []
        if not isinstance(index, list) or not all(isinstance(entry, dict) for entry in index):
            self.problem(card, "model-index", "'model-index' must be a list of {name, results}; key skipped")
            return []
        lines: list[str] = []
        datasets: set[str] = set()
        for entry in index:
            results = entry.get("results")
            for result in results if isinstance(results, list) else []:
                if not isinstance(result, dict):
                    continue
                task = result.get("task") if isinstance(result.get("task"), dict) else {}
                data = result.get("dataset") if isinstance(result.get("dataset"), dict) else {}
                metrics = result.get("metrics") if isinstance(result.get("metrics"), list) else []
                task_text = task.get("name") or task.get("type") or "unnamed task"
                data_type = data.get("type") if isinstance(data.get("type"), str) else None
                data_text = data.get("name") or data_type or "unnamed dataset"
                if data_type and data.get("name") and data.get("name") != data_type:
                    data_text = f"{data['name']} ({data_type})"
                scores = [
                    f"{metric.get('name') or metric.get('type')} = {metric.get('value')}"
                    for metric in metrics
                    if isinstance(metric, dict) and (metric.get("name") or metric.get("type"))
                ]
                lines.append(f"{task_text} on {data_text}: {', '.join(scores) or 'no metric'}")
                if data_type:
                    dataset = self.dataset(card, data_type)
                    if dataset is not None:
                        datasets.add(dataset)
        if not lines:
            self.problem(card, "model-index", "'model-index' lists no results; key skipped")
            return []
        results_iri = f"{model}#evaluation-results"
        label = card.meta.get("model_name") if isinstance(card.meta.get("model_name"), str) else card.name
        return [
            (model, _m("hasComponent"), _iri(results_iri)),
            (results_iri, TYPE, _m("Artifact")),
            (results_iri, LABEL, _en(f"{label} evaluation results")),
            (
                results_iri,
                DESCRIPTION,
                _en("Results reported in the model card's model-index: " + "; ".join(lines) + "."),
            ),
            (results_iri, _m("componentType"), _m("EvaluationResults")),
            *_licensed(results_iri, licence),
            (results_iri, _m("location"), _iri(page)),
            (results_iri, _m("availability"), _m("DirectDownload")),
            *((model, _m("evaluatedOn"), _iri(dataset)) for dataset in sorted(datasets)),
        ]

    def source_record(self) -> None:
        iri = self.source
        self.add(
            f"sources/{SOURCE_SLUG}.ttl",
            (iri, TYPE, _m("Source")),
            (iri, LABEL, _en("Hugging Face model cards")),
            (iri, _iri(_DCT + "title"), _en("Hugging Face model cards")),
            (iri, _iri(_DCT + "identifier"), ox.Literal(SOURCE_SLUG)),
            (iri, HOMEPAGE, _iri("https://huggingface.co/docs/hub/model-cards")),
            (
                iri,
                DESCRIPTION,
                _en(
                    "The YAML metadata of model cards (README.md) on the Hugging Face Hub: the licence, base models, "
                    "datasets and evaluation results the uploader declares. Each card is under its own repository's "
                    "licence; no licence covers the collection."
                ),
            ),
        )

    def run(self, paths: Sequence[Path]) -> ImportResult:
        cards: list[Card] = []
        seen: dict[str, str] = {}
        for file, root in _card_files(paths):
            shown = str(file)
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                self.result.problems.append(Problem(shown, None, f"cannot read the card: {error}"))
                continue
            meta = _front_matter(text)
            if isinstance(meta, str):
                self.result.problems.append(Problem(shown, None, meta))
                continue
            hf_id = _hub_id(meta, file, root)
            if hf_id is None:
                self.result.problems.append(
                    Problem(
                        shown,
                        "model_id",
                        "cannot tell the model's Hub id: name the card org__name/README.md, org__name.md or "
                        "org/name/README.md, or give model_id: org/name",
                    )
                )
                continue
            if hf_id.lower() in seen:
                self.result.problems.append(
                    Problem(shown, None, f"a second card for {hf_id} (first: {seen[hf_id.lower()]}); skipped")
                )
                continue
            seen[hf_id.lower()] = shown
            siblings = tuple(sorted(p.name for p in file.parent.iterdir())) if file.name.lower() == "readme.md" else ()
            cards.append(Card(file, shown, meta, hf_id, siblings))
        prepared = [ready for ready in map(self.prepare, cards) if ready is not None]
        # Models that get a full record from their own card: a base model among them needs no minimal one.
        self.carded = {card.hf_id.lower() for card, *_ in prepared}
        for ready in prepared:
            self.card(*ready)
        if any(path.startswith("claims/") for path in self.result.files):
            self.source_record()
        return self.result

    carded: set[str]


def read(paths: Sequence[Path], context: ImportContext) -> ImportResult:
    """Read model cards (files, or folders of them) into claims and, for new models, records."""
    return _Importer(context).run(list(paths))
