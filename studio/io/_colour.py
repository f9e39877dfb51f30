"""Pixel normalisation for the loader: any decoded Pillow mode → 8-bit sRGB ``RGB`` or ``RGBA``.

Order matters: high-bit-depth data is scaled to 8 bits first, alpha is split off, the colour bands are
converted through the embedded ICC profile (which is what makes CMYK and wide-gamut files look right),
and only what has no profile falls back to Pillow's plain conversions.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageCms

# Modes whose values are wider than 8 bits; they are scaled (not clipped) to 0..255.
_WIDE_GREY = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")
_ALPHA_MODES = {"RGBA": "RGB", "LA": "L", "PA": "P", "RGBa": "RGB", "La": "L"}

_SRGB = ImageCms.createProfile("sRGB")
# The space each profile colour-space signature describes, and the Pillow mode that carries it.
_PROFILE_MODES = {"RGB": "RGB", "GRAY": "L", "CMYK": "CMYK"}


def to_srgb(im: Image.Image, notes: list[str]) -> Image.Image:
    """Return ``im`` as 8-bit sRGB, mode ``RGB`` or ``RGBA`` (``notes`` gets what was converted)."""
    icc = im.info.get("icc_profile")
    im = _to_8bit(im, notes)
    colour, alpha = _split_alpha(im, notes)
    colour = _apply_profile(colour, icc, notes)
    if colour.mode != "RGB":
        if colour.mode == "CMYK":
            notes.append("converted from CMYK without a colour profile (colours are approximate)")
        elif colour.mode in ("L", "1"):
            notes.append("greyscale image shown as RGB")
        elif colour.mode == "LAB":
            colour = _lab_to_rgb(colour)
            notes.append("converted from CIELAB")
        colour = colour.convert("RGB")
    if alpha is None:
        return colour
    colour.putalpha(alpha)
    return colour


def _to_8bit(im: Image.Image, notes: list[str]) -> Image.Image:
    if im.mode not in _WIDE_GREY:
        return im
    values = np.asarray(im)
    if im.mode.startswith("I;16"):
        scaled = _scale16(values)
        notes.append("16-bit image scaled to 8 bits")
    elif im.mode == "I":
        lo, hi = int(values.min()), int(values.max())
        if lo >= 0 and hi <= 65535:
            # 16-bit PNG/TIFF greyscale often arrives as mode "I": keep its 16-bit scale.
            scaled = _scale16(values)
            notes.append("16-bit image scaled to 8 bits")
        else:
            scaled = _stretch(values.astype(np.float64))
            notes.append("32-bit integer image stretched to 8 bits")
    else:  # "F"
        finite = values[np.isfinite(values)]
        flo = float(finite.min()) if finite.size else 0.0
        fhi = float(finite.max()) if finite.size else 0.0
        clean = np.nan_to_num(values.astype(np.float64), nan=flo, posinf=fhi, neginf=flo)
        if flo >= 0.0 and fhi <= 1.0:
            scaled = _scale(clean, 1.0)
            notes.append("floating-point image scaled to 8 bits")
        else:
            scaled = _stretch(clean)
            notes.append("floating-point image stretched to 8 bits")
    info = dict(im.info)
    key = info.pop("transparency", None)
    if isinstance(key, int) and not isinstance(key, bool):
        # A tRNS grey key names one 16-bit value; match it before scaling merges 256 values into one.
        alpha = np.where(values == key, 0, 255).astype(np.uint8)
        out = Image.merge("LA", (Image.fromarray(scaled), Image.fromarray(alpha)))
        notes.append("transparent colour turned into an alpha channel")
    else:
        out = Image.fromarray(scaled)
    out.info = info
    return out


def _scale16(values: np.ndarray) -> np.ndarray:
    # Integer maths: exact rounding (32768 → 128, 65535 → 255) at 4 bytes a pixel instead of float64's 8.
    wide = values.astype(np.uint32)
    return ((wide * 255 + 32767) // 65535).astype(np.uint8)


def _scale(values: np.ndarray, full: float) -> np.ndarray:
    return np.clip(np.rint(values * (255.0 / full)), 0, 255).astype(np.uint8)


def _stretch(values: np.ndarray) -> np.ndarray:
    lo, hi = float(values.min()), float(values.max())
    if hi <= lo:
        return np.zeros(values.shape, dtype=np.uint8)
    return _scale(values - lo, hi - lo)


def _split_alpha(im: Image.Image, notes: list[str]) -> tuple[Image.Image, Image.Image | None]:
    """Return the colour bands (RGB, L, CMYK, LAB, P-resolved) and the alpha band or None."""
    if im.mode == "P":
        has_transparency = "transparency" in im.info or (im.palette is not None and im.palette.mode == "RGBA")
        notes.append("palette image converted to RGB" + ("A" if has_transparency else ""))
        im = im.convert("RGBA" if has_transparency else "RGB")
    elif im.mode in ("L", "RGB", "1") and "transparency" in im.info:
        im = _key_to_alpha(im, notes)
    elif im.mode == "PA":
        im = im.convert("RGBA")
    elif im.mode in ("RGBa", "La"):
        im = im.convert({"RGBa": "RGBA", "La": "LA"}[im.mode])
    elif im.mode == "RGBX":
        im = im.convert("RGB")
    elif im.mode == "YCbCr":
        im = im.convert("RGB")
    if im.mode in ("RGBA", "LA"):
        bands = im.split()
        base = Image.merge(_ALPHA_MODES[im.mode], bands[:-1])
        base.info = dict(im.info)
        return base, bands[-1]
    return im, None


def _key_to_alpha(im: Image.Image, notes: list[str]) -> Image.Image:
    """Turn a tRNS-style transparent colour into an alpha band (mode LA or RGBA)."""
    key = im.info["transparency"]
    keys = key if isinstance(key, tuple) else (key,)
    if not all(isinstance(k, int) for k in keys):
        notes.append("transparency information is unreadable; ignored")
        return im
    if any(k > 255 for k in keys):
        # Pillow keeps only the high byte of 16-bit RGB samples, so the 16-bit key can only be matched
        # on that byte; a few near colours may turn transparent too.
        keys = tuple(k >> 8 for k in keys)
        notes.append("16-bit transparent colour matched approximately")
    colour = np.asarray(im.convert("L" if im.mode == "1" else im.mode))
    if colour.ndim == 3:
        hit = np.all(colour == np.array(keys[:3], dtype=colour.dtype), axis=2)
    else:
        hit = colour == keys[0] if im.mode != "1" else colour == (255 if keys[0] else 0)
    alpha = Image.fromarray(np.where(hit, 0, 255).astype(np.uint8))
    bands = (*Image.fromarray(colour).split(), alpha)
    notes.append("transparent colour turned into an alpha channel")
    out = Image.merge("RGBA" if colour.ndim == 3 else "LA", bands)
    out.info = {k: v for k, v in im.info.items() if k != "transparency"}
    return out


def _apply_profile(colour: Image.Image, icc: bytes | None, notes: list[str]) -> Image.Image:
    if not icc:
        return colour
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (OSError, ImageCms.PyCMSError, ValueError, TypeError) as exc:
        notes.append(f"embedded colour profile is unreadable; colours shown unconverted ({exc})")
        return colour
    description = (ImageCms.getProfileDescription(source) or "").strip()
    space = source.profile.xcolor_space.strip()
    if _PROFILE_MODES.get(space) != colour.mode:
        notes.append(
            f"colour profile '{description}' ({space}) does not fit the {colour.mode} pixels; ignored"
        )
        return colour
    if space == "RGB" and "srgb" in description.lower():
        return colour  # already sRGB: converting would only cost time
    try:
        converted = ImageCms.profileToProfile(
            colour,
            source,
            _SRGB,
            renderingIntent=ImageCms.Intent.PERCEPTUAL,
            outputMode="RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as exc:
        notes.append(f"could not apply colour profile '{description}'; colours shown unconverted ({exc})")
        return colour
    assert converted is not None
    notes.append(f"converted from colour profile '{description}' to sRGB")
    return converted


def _lab_to_rgb(im: Image.Image) -> Image.Image:
    lab = ImageCms.createProfile("LAB")
    transform = ImageCms.buildTransform(lab, _SRGB, "LAB", "RGB")
    return ImageCms.applyTransform(im, transform) or im
