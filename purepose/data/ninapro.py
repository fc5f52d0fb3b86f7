"""NinaPro recordings: MATLAB files of EMG with CyberGlove kinematics, as a Recording.

NinaPro (Atzori et al. 2014) is the most used public EMG benchmark. Every
database stores one MATLAB file per subject and exercise with the same
variables (rows are samples, all synchronised):

    emg          n x c   EMG                      -> the recording's EMG
    glove        n x g   raw CyberGlove sensors   -> the targets (unit "raw")
    restimulus   n x 1   movement label, relabelled a posteriori (else ``stimulus``)
    rerepetition n x 1   repetition 1..R, 0 at rest (else ``repetition``)
    subject, exercise    scalars                  -> metadata

The databases differ in the EMG system, hence in c and in the sample rate,
which the files do not store (DB1 to DB8 keep no clock: time is i / fs). The
rate is taken from, in order: the caller (``--sample-rate``), a ``frequency``
variable if the file has one, or the database recognised by its content:

    database  EMG                               c       glove  rate      told apart by
    DB1       Otto Bock 13E200 (RMS envelope)   10      22     100 Hz    no acc variable
    DB2, DB3  Delsys Trigno                     12, 10  22     2000 Hz   acc (n x 36)
    DB5       two Thalmic Myo armbands          16      22     200 Hz    c = 16, glove 22
    DB7       Delsys Trigno IM                  12      18     2000 Hz   glove 18
    DB8       Delsys Trigno IM                  16      18     2000 Hz   glove 18

(rates as the NinaPro pages and papers give them for the stored files: the
Delsys databases are stored at 2 kHz). Anything else needs ``--sample-rate``.

Cost: the MAT file is read whole (O(file size), about a second for a DB1
file); the recording then holds its lists in memory.

References: M. Atzori et al., "Electromyography data for non-invasive
naturally-controlled robotic hand prostheses", Scientific Data 1, 140053
(2014) (DB1-DB3); S. Pizzolato et al., PLoS ONE 12(10), 2017 (DB5);
A. Krasoulis et al., J. NeuroEng. Rehabil. 14, 2017 (DB7) and Frontiers in
Neuroscience 13, 2019 (DB8).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from purepose.errors import PureposeError
from purepose.types import PathLike

from .matfile import loadmat, whosmat
from .recording import REPETITION, STIMULUS, ArrayRecording, check_sample_rate, default_names

EMG_VARIABLE, GLOVE_VARIABLE = "emg", "glove"
LABEL_VARIABLES = {  # recording label <- the first of these variables present
    STIMULUS: ("restimulus", "stimulus"),
    REPETITION: ("rerepetition", "repetition"),
}
METADATA_VARIABLES = ("subject", "exercise", "frequency")


class Database(NamedTuple):
    """One row of the module docstring's table."""

    name: str
    sample_rate: float
    description: str


def identify(n_channels: int, n_glove: int, variables: set[str]) -> Database | None:
    """The NinaPro database a file comes from, by content (module docstring), or None.

    >>> identify(10, 22, {"emg", "glove"}).name, identify(12, 22, {"emg", "glove", "acc"}).name
    ('DB1', 'DB2/DB3')
    >>> identify(8, 5, {"emg", "glove"}) is None
    True
    """
    if n_glove == 22 and "acc" in variables and n_channels in (10, 12):
        return Database("DB2/DB3", 2000.0, "Delsys Trigno, 2 kHz")
    if n_glove == 22 and n_channels == 10:
        return Database("DB1", 100.0, "Otto Bock 13E200 RMS envelope, 100 Hz")
    if n_glove == 22 and n_channels == 16:
        return Database("DB5", 200.0, "two Myo armbands, 200 Hz")
    if n_glove == 18 and n_channels == 12:
        return Database("DB7", 2000.0, "Delsys Trigno IM, 2 kHz")
    if n_glove == 18 and n_channels == 16:
        return Database("DB8", 2000.0, "Delsys Trigno IM, 2 kHz")
    return None


def _check_variables(where: str, shapes: dict[str, tuple[int, ...]]) -> tuple[int, int, int]:
    """(n_samples, n_channels, n_glove) after checking that emg and glove exist and agree."""
    have = ", ".join(sorted(shapes)) or "none"
    for name in (EMG_VARIABLE, GLOVE_VARIABLE):
        if name not in shapes:
            raise PureposeError(
                f"{where}: no variable {name!r}: not a NinaPro file (variables: {have})"
            )
        if len(shapes[name]) != 2 or 0 in shapes[name]:
            raise PureposeError(f"{where}: {name} has shape {shapes[name]}, expected n x columns")
    n_emg, n_channels = shapes[EMG_VARIABLE]
    n_glove_rows, n_glove = shapes[GLOVE_VARIABLE]
    if n_emg != n_glove_rows:
        raise PureposeError(
            f"{where}: emg has {n_emg} rows but glove has {n_glove_rows} (not synchronised)"
        )
    return n_emg, n_channels, n_glove


def _rate(where: str, sample_rate: float | None, frequency: Any, db: Database | None) -> float:
    if sample_rate is not None:
        return check_sample_rate(sample_rate, where)
    if frequency is not None:
        return check_sample_rate(frequency, f"{where}: variable frequency")
    if db is None:
        raise PureposeError(
            f"{where}: no sample rate: the file has no 'frequency' variable and its layout "
            "matches no known NinaPro database; pass --sample-rate"
        )
    return db.sample_rate


def _plain_number(value: Any) -> Any:
    """MATLAB stores integers as doubles: 1.0 -> 1, other values unchanged."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def read_ninapro(path: PathLike, *, sample_rate: float | None = None) -> ArrayRecording:
    """Read a NinaPro MATLAB file as a Recording (module docstring for the layout).

    EMG columns become channels, glove columns the targets ``glove00`` ...
    (unit "raw"), ``restimulus``/``rerepetition`` (else ``stimulus``/
    ``repetition``) the labels ``stimulus`` and ``repetition``; time is
    ``i / sample_rate`` seconds from the first sample. ``metadata`` holds
    the database, ``subject`` and ``exercise`` when present.

    >>> read_ninapro("no-such-file.mat")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: no-such-file.mat: no such file
    """
    p = Path(path)
    where = str(p)
    if not p.is_file():
        raise PureposeError(f"{where}: {'is a directory' if p.is_dir() else 'no such file'}")
    info = {v.name: tuple(v.shape) for v in whosmat(p)}
    n, n_channels, n_glove = _check_variables(where, info)
    labels = {
        label: next((v for v in names if v in info), None)
        for label, names in LABEL_VARIABLES.items()
    }
    wanted = [EMG_VARIABLE, GLOVE_VARIABLE, *filter(None, labels.values())]
    wanted += [v for v in METADATA_VARIABLES if v in info]
    arrays = loadmat(p, variable_names=wanted)
    db = identify(n_channels, n_glove, set(info))
    scalars = {v: _plain_number(arrays[v].scalar()) for v in METADATA_VARIABLES if v in arrays}
    rate = _rate(where, sample_rate, scalars.get("frequency"), db)
    label_values = {}
    for label, variable in labels.items():
        if variable is not None:
            values = arrays[variable].column()
            if len(values) != n:
                raise PureposeError(f"{where}: {variable} has {len(values)} rows, emg has {n}")
            label_values[label] = values
    metadata: dict[str, Any] = {"database": db.name if db else "unknown", **scalars}
    metadata["label_variables"] = {k: v for k, v in labels.items() if v is not None}
    return ArrayRecording(
        p,
        emg=arrays[EMG_VARIABLE].rows(),
        targets=arrays[GLOVE_VARIABLE].rows(),
        sample_rate=rate,
        target_names=default_names(n_glove, "glove"),
        target_unit="raw",
        labels=label_values,
        format="ninapro",
        metadata=metadata,
    )
