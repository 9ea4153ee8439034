"""Colours and the stylesheet: one palette per theme, sizes scaled for the visitor's text size.

The stylesheet (resources/styles/kiosk.qss) says everything about the look, fonts included,
but the kiosk window hands Qt only its painting: ``stylesheet(..., fonts=False)``. Its fonts
are set by code (``kiosk.shell.ui.fonts``) from the same sheet's font rules, matched here
(``font_for``) as Qt's stylesheet engine would match them. A new text size is then a new
font on each widget, not a re-polish of every widget a screen has (0.2 ms a widget).
"""

from __future__ import annotations

import re
from functools import lru_cache
from string import Template
from typing import Any, NamedTuple, Protocol

from kiosk.ops.resources import resource_path

TEXT_SCALES = {"default": 1.0, "large": 1.3, "largest": 1.6}


class Palette(NamedTuple):
    """Named colour roles; every text role is checked against its background in the tests."""

    window: str
    surface: str
    text: str
    muted: str
    accent: str
    accent_text: str
    accent_pressed: str
    cta: str
    cta_text: str
    border: str
    error: str
    focus: str
    overlay: str


CALM = Palette(
    window="#F4F7F6",
    surface="#FFFFFF",
    text="#1B2B2A",
    muted="#45585A",
    accent="#0B6B6F",
    accent_text="#FFFFFF",
    accent_pressed="#084F52",
    cta="#B4462B",
    cta_text="#FFFFFF",
    border="#C9D6D4",
    error="#A3261B",
    focus="#E0A100",
    overlay="rgba(10, 30, 30, 200)",
)

HIGH_CONTRAST = Palette(
    window="#000000",
    surface="#000000",
    text="#FFFFFF",
    muted="#FFFFFF",
    accent="#FFE500",
    accent_text="#000000",
    accent_pressed="#FFFFFF",
    cta="#FFE500",
    cta_text="#000000",
    border="#FFFFFF",
    error="#FF9E9E",
    focus="#00E5FF",
    overlay="rgba(0, 0, 0, 235)",
)

THEMES = {"calm": CALM, "high-contrast": HIGH_CONTRAST}

# Every (text, background) pair the stylesheet draws, by palette role.
TEXT_PAIRS = (
    ("text", "window"), ("text", "surface"), ("muted", "window"), ("muted", "surface"),
    ("accent", "surface"), ("accent", "window"), ("accent_text", "accent"),
    ("cta_text", "cta"), ("error", "window"), ("error", "surface"),
)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #RRGGBB colour."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)),
                             reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# Logical pixel sizes at the default text size; the stylesheet multiplies them.
BASE_SIZES = {"body": 24, "small": 20, "title": 40, "heading": 30, "button": 24, "tile": 26,
              "phone": 56}

BAR_SIZES = {"bar": 22, "bar_name": 30}


def font_sizes(text_size: str = "default", body_px: int = BASE_SIZES["body"]) -> dict[str, int]:
    """Each font size name (``body``, ``title``, ``bar``...) in pixels for the visitor's
    ``text_size`` on glass whose default body text is ``body_px``; the top bar's sizes follow
    the glass only."""
    scale = TEXT_SCALES[text_size] * body_px / BASE_SIZES["body"]
    sizes = {k: round(v * scale) for k, v in BASE_SIZES.items()}
    glass = body_px / BASE_SIZES["body"]
    sizes.update({k: round(v * glass) for k, v in BAR_SIZES.items()})
    return sizes


def stylesheet(theme: str = "calm", text_size: str = "default",
               body_px: int = BASE_SIZES["body"], *, fonts: bool = True) -> str:
    """The look for ``theme`` and the visitor's ``text_size``; ``body_px`` is the body text's
    size at the default text size on this glass (``kiosk.shell.glass``), every other text
    size keeps its proportion to it. Without ``fonts`` the sheet has no font declarations
    (so it depends on the theme alone): the caller sets fonts itself (``font_for``)."""
    palette = THEMES[theme]
    values = {name: getattr(palette, name) for name in palette._fields}
    values.update({f"{k}_px": str(v) for k, v in font_sizes(text_size, body_px).items()})
    template = _template() if fonts else _template_without_fonts()
    return template.substitute(values)


def _sheet_text() -> str:
    return resource_path("styles", "kiosk.qss").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _template() -> Template:
    return Template(_sheet_text())


_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_FONT_DECLARATION = re.compile(r"\s*font(?:-[a-z]+)?\s*:[^;}]*;?")
_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")  # ${body_px}: braces a rule's body cannot hold


def _readable_sheet() -> str:
    """The sheet without comments, its ``${name}`` placeholders as ``$<name>``."""
    return _PLACEHOLDER.sub(r"$<\1>", _COMMENT.sub("", _sheet_text()))


@lru_cache(maxsize=1)
def _template_without_fonts() -> Template:
    text = _RULE.sub(lambda m: m.group(1) + "{" + _FONT_DECLARATION.sub("", m.group(2)) + "}",
                     _readable_sheet())
    return Template(re.sub(r"\$<(\w+)>", r"${\1}", text))


# --- the sheet's font rules, matched as Qt's stylesheet engine matches them -----------------
class Styled(Protocol):
    """What matching needs of a widget (QWidget has all of it)."""

    def inherits(self, class_name: str) -> bool: ...
    def objectName(self) -> str: ...  # noqa: N802 - Qt's name
    def property(self, name: str) -> Any: ...
    def parentWidget(self) -> Styled | None: ...  # noqa: N802 - Qt's name


class _Compound(NamedTuple):
    """One step of a selector: ``QPushButton#consult-submit[role="key"]``."""

    type_name: str | None
    object_name: str | None
    attributes: tuple[tuple[str, str], ...]

    def matches(self, widget: Styled) -> bool:
        if self.type_name is not None and self.type_name != "*" \
                and not widget.inherits(self.type_name):
            return False
        if self.object_name is not None and widget.objectName() != self.object_name:
            return False
        return all(_as_css(widget.property(name)) == value for name, value in self.attributes)


class FontRule(NamedTuple):
    """A selector of the sheet with its font declarations: ``size`` names a font size
    (``font_sizes``); ``weight`` is 100-900; ``family`` a family name."""

    steps: tuple[_Compound, ...]  # outermost ancestor first, the widget itself last
    specificity: tuple[int, int, int]
    size: str | None
    weight: int | None
    family: str | None

    def matches(self, widget: Styled) -> bool:
        *ancestors, last = self.steps
        if not last.matches(widget):
            return False
        node = widget.parentWidget()
        for step in reversed(ancestors):  # a descendant selector: any ancestor will do
            while node is not None and not step.matches(node):
                node = node.parentWidget()
            if node is None:
                return False
            node = node.parentWidget()
        return True


class FontSpec(NamedTuple):
    size: str
    weight: int
    family: str | None


_COMPOUND = re.compile(r"^(?P<type>[A-Za-z_*][\w]*)?(?P<rest>(?:#[\w-]+|\[[^\]]+\])*)"
                       r"(?:::[\w-]+)?$")
_PART = re.compile(r"#([\w-]+)|\[\s*([\w-]+)\s*=\s*\"([^\"]*)\"\s*\]")
_WEIGHTS = {"normal": 400, "bold": 700}


def _as_css(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None else str(value)


def _parse_selector(text: str) -> tuple[tuple[_Compound, ...], tuple[int, int, int]]:
    steps = []
    ids = attributes = types = 0
    for part in text.split():
        if ":" in part.replace("::", ""):
            raise ValueError(f"kiosk.qss: the font rule for {text!r} depends on a widget's "
                             f"state, which fonts set in code cannot follow")
        found = _COMPOUND.match(part)
        if found is None:
            raise ValueError(f"kiosk.qss: cannot read the selector {text!r}")
        object_name, pairs = None, []
        for name, attribute, value in _PART.findall(found.group("rest")):
            if name:
                object_name = name
                ids += 1
            else:
                pairs.append((attribute, value))
                attributes += 1
        type_name = found.group("type")
        if type_name not in (None, "*"):
            types += 1
        if "::" in part:
            types += 1  # a sub-control counts as a pseudo-element
        steps.append(_Compound(type_name, object_name, tuple(pairs)))
    return tuple(steps), (ids, attributes, types)


@lru_cache(maxsize=1)
def font_rules() -> tuple[FontRule, ...]:
    """The sheet's rules that set a font, in the sheet's order. A sub-control's font
    (``QHeaderView::section``) is its widget's."""
    rules = []
    for selectors, body in _RULE.findall(_readable_sheet()):
        size = weight = family = None
        for declaration in body.split(";"):
            name, _, value = (p.strip() for p in declaration.partition(":"))
            if name == "font-size":
                found = re.fullmatch(r"\$<(\w+)_px>px", value)
                if found is None:
                    raise ValueError(f"kiosk.qss: font-size {value!r} is not a named size")
                size = found.group(1)
            elif name == "font-weight":
                weight = _WEIGHTS.get(value) or int(value)
            elif name == "font-family":
                family = value.strip("\"'")
            elif name.startswith("font"):
                raise ValueError(f"kiosk.qss: {name} is not a font property the kiosk sets")
        if size is weight is family is None:
            continue
        for selector in selectors.split(","):
            steps, specificity = _parse_selector(selector.strip())
            rules.append(FontRule(steps, specificity, size, weight, family))
    return tuple(rules)


def font_for(widget: Styled) -> FontSpec:
    """The font the sheet gives ``widget``: for each property the matching rule of highest
    specificity, the later of equals (CSS's cascade, as Qt applies it)."""
    best: dict[str, tuple[tuple[int, int, int], Any]] = {}
    for rule in font_rules():  # in the sheet's order, so of equals the later wins
        if not rule.matches(widget):
            continue
        for prop in ("size", "weight", "family"):
            value = getattr(rule, prop)
            if value is not None and (prop not in best or rule.specificity >= best[prop][0]):
                best[prop] = (rule.specificity, value)
    return FontSpec(best["size"][1] if "size" in best else "body",
                    best["weight"][1] if "weight" in best else 400,
                    best["family"][1] if "family" in best else None)
