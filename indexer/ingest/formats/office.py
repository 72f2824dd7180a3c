"""Word 97–2003 (.doc) and WPS (.wps) files: converted to text by LibreOffice headless (Debian:
libreoffice-writer-nogui) when it is installed, within CONVERTER_SECONDS; otherwise skipped with the install line.
No binary-format parser of our own; LibreOffice is run with macros off (its default for documents)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ...errors import ReportError
from ..decoding import decode_report
from .document import Extracted
from .limits import CONVERTER_SECONDS

INSTALL = "apt-get install libreoffice-writer-nogui"


def soffice() -> str | None:
    """LibreOffice's command, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_with_libreoffice(path: Path) -> Extracted:
    """The text LibreOffice makes of a .doc or .wps file."""
    command = soffice()
    kind = path.suffix.lower().lstrip(".") or "doc"
    if command is None:
        raise ReportError(path, f"a {kind.upper()} file, and LibreOffice is not installed to read it: {INSTALL}")
    with tempfile.TemporaryDirectory(prefix="govsearch-office-") as scratch:
        profile = Path(scratch) / "profile"  # a profile of its own: no clash with a running LibreOffice
        run = [
            command,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "txt:Text (encoded):UTF8",
            "--outdir",
            scratch,
            str(path),
        ]
        try:
            subprocess.run(run, capture_output=True, timeout=CONVERTER_SECONDS, check=True)
        except subprocess.TimeoutExpired as exc:
            raise ReportError(path, f"LibreOffice took longer than {CONVERTER_SECONDS} s to read it") from exc
        except subprocess.CalledProcessError as exc:
            said = exc.stderr.decode(errors="replace")[:200]
            raise ReportError(path, f"LibreOffice could not read it ({said})") from exc
        made = list(Path(scratch).glob("*.txt"))
        if not made:
            raise ReportError(path, f"LibreOffice could not read it (a damaged or encrypted {kind.upper()} file?)")
        text = decode_report(made[0].read_bytes(), path)
    version = subprocess.run([command, "--version"], capture_output=True, text=True, timeout=60, check=False)
    name = " ".join(version.stdout.split()[:2]) or "LibreOffice"
    return Extracted(text, kind, f"{name} (headless)")
