"""Plain-language advice from the measured layout: where the subject sits, balance, horizon."""

from __future__ import annotations

from typing import TYPE_CHECKING

from models.composition.guides import GOLDEN_SECTIONS

if TYPE_CHECKING:
    from models.composition.analysis import Balance, SubjectInfo
    from models.composition.horizon import Horizon

_NAMED_POINTS = {
    (1 / 3, 1 / 3): "upper-left thirds point",
    (2 / 3, 1 / 3): "upper-right thirds point",
    (1 / 3, 2 / 3): "lower-left thirds point",
    (2 / 3, 2 / 3): "lower-right thirds point",
    (GOLDEN_SECTIONS[0], GOLDEN_SECTIONS[0]): "upper-left golden point",
    (GOLDEN_SECTIONS[1], GOLDEN_SECTIONS[0]): "upper-right golden point",
    (GOLDEN_SECTIONS[0], GOLDEN_SECTIONS[1]): "lower-left golden point",
    (GOLDEN_SECTIONS[1], GOLDEN_SECTIONS[1]): "lower-right golden point",
}


def _where(u: float, v: float) -> str:
    horiz = "left" if u < 0.4 else "right" if u > 0.6 else "centre"
    vert = "upper" if v < 0.4 else "lower" if v > 0.6 else "middle"
    if horiz == "centre" and vert == "middle":
        return "in the centre"
    if horiz == "centre":
        return f"in the {vert} centre"
    if vert == "middle":
        return f"on the {horiz}"
    return f"in the {vert} {horiz}"


def _subject_advice(u: float, v: float, box_share: float, noun: str = "main subject") -> list[str]:
    out: list[str] = []
    nearest = min(_NAMED_POINTS, key=lambda p: (p[0] - u) ** 2 + (p[1] - v) ** 2)
    distance = ((nearest[0] - u) ** 2 + (nearest[1] - v) ** 2) ** 0.5
    if abs(u - 0.5) < 0.07 and abs(v - 0.5) < 0.07:
        side = "left" if u <= 0.5 else "right"
        out.append(
            f"The {noun} sits dead centre; moving it to the {side} third would add tension "
            "(a centred subject suits calm, symmetric pictures)."
        )
    elif distance < 0.05:
        out.append(f"The {noun} sits on the {_NAMED_POINTS[nearest]}, a strong placement.")
    elif min(u, v, 1 - u, 1 - v) < 0.12:
        edge = min(("left", u), ("top", v), ("right", 1 - u), ("bottom", 1 - v), key=lambda e: e[1])[0]
        out.append(f"The {noun} crowds the {edge} edge; give it more room or crop to bring it in.")
    else:
        out.append(
            f"The {noun} sits {_where(u, v)}, off the strong points (the nearest is the "
            f"{_NAMED_POINTS[nearest]}); a suggested crop moves it onto one."
        )
    if box_share > 0.6:
        out.append("The subject fills most of the frame: an intimate, close view with little breathing room.")
    elif box_share < 0.02:
        out.append("The subject is small in the frame; a tighter crop would give it more weight.")
    return out


def _balance_advice(balance: Balance) -> list[str]:
    out: list[str] = []
    if max(balance.left, balance.right) > 0.62:
        heavy, light = ("left", "right") if balance.left > balance.right else ("right", "left")
        share = round(100 * max(balance.left, balance.right))
        out.append(
            f"The visual weight leans {heavy} ({share} % of the salient mass); "
            f"something on the {light} would balance it, or embrace the asymmetry."
        )
    else:
        out.append("Left and right carry about the same visual weight.")
    if balance.top > 0.65:
        out.append("The picture is top-heavy; more weight low in the frame would ground it.")
    return out


def _horizon_advice(horizon: Horizon) -> list[str]:
    out: list[str] = []
    angle = horizon.angle_deg
    if abs(angle) >= 0.3:
        # A line rising to the right is turned counter-clockwise from level.
        turn, fix = ("counter-clockwise", "clockwise") if angle > 0 else ("clockwise", "counter-clockwise")
        out.append(f"The horizon tilts {abs(angle):.1f}° {turn}; rotate {abs(angle):.1f}° {fix} to level it.")
    else:
        out.append("The horizon is level.")
    if abs(horizon.y_at_centre - 0.5) < 0.06:
        out.append("The horizon cuts the picture in half; on a third it would favour sky or ground.")
    return out


def suggest(
    size: tuple[int, int],
    subject: SubjectInfo | None,
    balance: Balance,
    horizon: Horizon | None,
    uniform: bool = False,
    thin: bool = False,
) -> list[str]:
    """Advice sentences, most important first, for a picture of ``size`` (w, h) in pixels.

    ``thin`` says the picture is too narrow to analyse; ``uniform`` that it has no variation at all.
    """
    w, h = size
    if thin or min(w, h) < 4:
        return ["The picture is too thin to judge its composition."]
    if uniform:
        return ["No subject stands out: the picture is uniform."]
    out: list[str] = []
    if subject is None:
        out.append("No single subject stands out; the interest is spread across the picture.")
    else:
        u, v = subject.center[0] / w, subject.center[1] / h
        noun = "face" if getattr(subject, "kind", "object") == "face" else "main subject"
        out += _subject_advice(u, v, subject.box[2] * subject.box[3] / (w * h), noun)
    out += _balance_advice(balance)
    if horizon is not None:
        out += _horizon_advice(horizon)
    return out
