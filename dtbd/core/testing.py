"""Test helpers of the machinery (import in tests only). Factories of units, people and users live in each app's
testing module: dtbd.org.testing, dtbd.people.testing, dtbd.accounts.testing."""
import os
import signal
import subprocess


def stop_process_group(process, timeout=30):
    """Stop a subprocess started in its own process group (start_new_session=True) and its children: SIGTERM to the
    group, SIGKILL when it has not ended after `timeout` seconds."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def soffice():
    """The LibreOffice command (`make libreoffice` installs Calc and Writer for the tests)."""
    import shutil

    path = shutil.which("soffice") or shutil.which("libreoffice")
    assert path, "LibreOffice (soffice) is missing: run `make libreoffice` (Debian: libreoffice-calc-nogui, libreoffice-writer-nogui)."
    return path


def convert_with_libreoffice(paths, outdir, fmt="pdf", timeout=180):
    """Convert files (.xlsx, .docx) with one headless LibreOffice run into `outdir` (a private profile and HOME under
    outdir's parent); returns the finished process. A file LibreOffice cannot open produces no output file."""
    profile = outdir.parent / "lo-profile"
    command = [
        soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", fmt,
        "--outdir", str(outdir), *sorted(str(p) for p in paths),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "HOME": str(outdir.parent)})
