"""Reference gait events (force plate, annotations) and how our events compare with them.

Reference events come from a CSV file with the columns ``side`` (L/R), ``event`` (``foot_strike``/``ic`` or
``toe_off``/``to``), ``time_s`` and optionally ``trial`` (as the Hamner & Delp data's
``grf_events_thr50N.csv``: events where the vertical ground reaction force crosses 50 N), or from the
file itself (C3D event lists).

Scoring follows the annotated clips' rules (data README), in time instead of frames: a reference stance
(IC and the same foot's next TO) counts when it lies wholly inside the analysed time span; each reference
IC is matched one-to-one with the nearest unmatched detected IC within `tolerance_s` (TOs likewise);
detected events inside the span of counted stances that match nothing are spurious.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from .recording import ReferenceEvent, ReferenceEvents

__all__ = ["EventAgreement", "ReferenceComparison", "compare_events", "complete_stances", "find_reference_beside",
           "read_reference_csv"]

_KINDS = {"foot_strike": "ic", "footstrike": "ic", "strike": "ic", "ic": "ic", "initial_contact": "ic",
          "heel_strike": "ic", "toe_off": "to", "toeoff": "to", "to": "to", "foot_off": "to", "footoff": "to"}
_SIDES = {"l": "L", "left": "L", "r": "R", "right": "R"}
DEFAULT_TOLERANCE_S = 0.1  # a detection further than this from every reference event is not a match,
# under a third of a running step (0.3-0.4 s); heuristic


def _trial_matches(trial: str, stem: str) -> bool:
    return not trial or stem == trial or stem.startswith(trial + "_") or stem.startswith(trial + ".")


def read_reference_csv(path: str | os.PathLike[str], *, trial_of: str | None = None) -> ReferenceEvents:
    """Reference events from a CSV file (see the module docstring).

    Parameters
    ----------
    trial_of
        The analysed file's stem; rows whose ``trial`` names another file are skipped (``Run_20002`` matches
        ``Run_20002_IK``).
    """
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: cannot read the reference events ({exc}).",
                         "Give a CSV file with the columns side, event, time_s (and optionally trial).") from exc
    events = []
    for row in rows:
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if trial_of is not None and not _trial_matches(row.get("trial", ""), trial_of):
            continue
        kind = _KINDS.get(row.get("event", "").lower())
        side = _SIDES.get(row.get("side", "").lower())
        try:
            time_s = float(row.get("time_s", "nan"))
        except ValueError:
            time_s = math.nan
        if kind is None or side is None or not math.isfinite(time_s):
            raise InputError(f"{path}: a row is not a gait event: {row}.",
                             "Each row needs side (L/R), event (foot_strike/toe_off) and time_s in seconds.")
        events.append(ReferenceEvent(side=side, kind=kind, time_s=time_s))  # type: ignore[arg-type]
    return ReferenceEvents(source=path.name, events=tuple(sorted(events, key=lambda e: e.time_s)))


def find_reference_beside(path: str | os.PathLike[str]) -> ReferenceEvents | None:
    """Reference events in a CSV file beside `path` (``*events*.csv``) with rows for this file's trial."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    for candidate in sorted(folder.glob("*events*.csv")):
        try:
            found = read_reference_csv(candidate, trial_of=path.stem)
        except InputError:
            continue
        if found.events:
            return found
    return None


@dataclass(frozen=True, slots=True)
class EventAgreement:
    """How one kind of event (IC or TO) agrees with the reference."""

    kind: str  # "ic" or "to"
    reference: int  # reference events counted (complete stances inside the analysed span)
    matched: int
    missed: int
    spurious: int
    errors_ms: tuple[float, ...]  # detected - reference, per match

    @property
    def median_abs_ms(self) -> float:
        return float(np.median(np.abs(self.errors_ms))) if self.errors_ms else math.nan

    @property
    def p95_abs_ms(self) -> float:
        return float(np.percentile(np.abs(self.errors_ms), 95)) if self.errors_ms else math.nan

    @property
    def median_signed_ms(self) -> float:
        return float(np.median(self.errors_ms)) if self.errors_ms else math.nan


@dataclass(frozen=True, slots=True)
class ReferenceComparison:
    source: str
    ic: EventAgreement
    to: EventAgreement
    side_agreement: float  # share of matched ICs whose foot (L/R) agrees
    cadence_spm: float | None
    cadence_reference_spm: float | None

    @property
    def cadence_error_spm(self) -> float | None:
        if self.cadence_spm is None or self.cadence_reference_spm is None:
            return None
        return self.cadence_spm - self.cadence_reference_spm

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source}
        for agreement in (self.ic, self.to):
            k = agreement.kind
            out.update({f"{k}_reference": agreement.reference, f"{k}_matched": agreement.matched,
                        f"{k}_missed": agreement.missed, f"{k}_spurious": agreement.spurious,
                        f"{k}_error_median_abs_ms": agreement.median_abs_ms,
                        f"{k}_error_p95_abs_ms": agreement.p95_abs_ms,
                        f"{k}_error_median_signed_ms": agreement.median_signed_ms})
        out.update({"side_agreement": self.side_agreement, "cadence_spm": self.cadence_spm,
                    "cadence_reference_spm": self.cadence_reference_spm,
                    "cadence_error_spm": self.cadence_error_spm})
        return out


def complete_stances(ref: ReferenceEvents, start_s: float, end_s: float) -> list[tuple[str, float, float]]:
    """(side, ic_s, to_s) of reference stances wholly inside [start_s, end_s]."""
    out = []
    for side in "LR":
        ics, tos = ref.times_s("ic", side), ref.times_s("to", side)
        for ic in ics:
            later = tos[tos > ic]
            if later.size and start_s <= ic and later[0] <= end_s:
                out.append((side, float(ic), float(later[0])))
    return sorted(out, key=lambda s: s[1])


def _match(detected: Sequence[float], reference: Sequence[float], tolerance_s: float
           ) -> list[tuple[int, int]]:
    """One-to-one (reference index, detected index) pairs, closest first, within `tolerance_s`."""
    pairs = sorted((abs(d - r), i, j) for i, r in enumerate(reference) for j, d in enumerate(detected)
                   if abs(d - r) <= tolerance_s)
    used_r: set[int] = set()
    used_d: set[int] = set()
    out = []
    for _, i, j in pairs:
        if i not in used_r and j not in used_d:
            used_r.add(i)
            used_d.add(j)
            out.append((i, j))
    return sorted(out)


def _agreement(kind: str, detected: list[float], reference: list[float], span: tuple[float, float],
               tolerance_s: float) -> tuple[EventAgreement, list[tuple[int, int]]]:
    pairs = _match(detected, reference, tolerance_s)
    lo, hi = span[0] - tolerance_s, span[1] + tolerance_s
    in_span = [j for j, d in enumerate(detected) if lo <= d <= hi]
    matched_d = {j for _, j in pairs}
    errors = tuple((detected[j] - reference[i]) * 1000.0 for i, j in pairs)
    return EventAgreement(kind=kind, reference=len(reference), matched=len(pairs), missed=len(reference) - len(pairs),
                          spurious=sum(1 for j in in_span if j not in matched_d), errors_ms=errors), pairs


def _reference_cadence_spm(ref: ReferenceEvents, start_s: float, end_s: float) -> float | None:
    ics = ref.times_s("ic")
    ics = ics[(ics >= start_s) & (ics <= end_s)]
    if ics.size < 3:
        return None
    steps = np.diff(ics)
    steps = steps[steps <= 1.5 * np.median(steps)]  # a missing contact would count two steps as one
    return float(60.0 / steps.mean())


def compare_events(contacts: Sequence[Any], reference: ReferenceEvents, *, analysed_s: tuple[float, float],
                   cadence_spm: float | None, tolerance_s: float = DEFAULT_TOLERANCE_S) -> ReferenceComparison:
    """Compare detected contacts (`gait.Contact`, times in s) with reference events.

    Parameters
    ----------
    contacts
        Detected contacts with ``side``, ``ic_time_s``, ``to_time_s``.
    analysed_s
        First and last analysed time; reference stances outside it are not counted.
    cadence_spm
        Our cadence, compared with 60 / mean reference step time over the analysed span.
    """
    stances = complete_stances(reference, *analysed_s)
    span = (stances[0][1], stances[-1][2]) if stances else analysed_s
    ic, ic_pairs = _agreement("ic", [c.ic_time_s for c in contacts], [s[1] for s in stances], span, tolerance_s)
    to, _ = _agreement("to", [c.to_time_s for c in contacts], [s[2] for s in stances], span, tolerance_s)
    sides = [contacts[j].side == stances[i][0] for i, j in ic_pairs]
    return ReferenceComparison(source=reference.source, ic=ic, to=to,
                               side_agreement=float(np.mean(sides)) if sides else math.nan,
                               cadence_spm=cadence_spm,
                               cadence_reference_spm=_reference_cadence_spm(reference, *analysed_s))
