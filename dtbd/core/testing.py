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
