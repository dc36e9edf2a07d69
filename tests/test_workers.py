"""Worker pools stop and let the program end, whatever the workers were doing."""

from __future__ import annotations

import subprocess
import sys
import textwrap

# A pool stopped while its workers send large results: terminated halfway
# through a result, a worker used to leave the pool's manager thread reading the
# rest for ever, and Python's exit waited on that thread. The delays sweep the
# moment of the stop across the sending, as a CI job cancelled at any time would.
_STOPPED_WHILE_SENDING = textwrap.dedent(
    """
    import threading, time
    from listingkit.workers import process_pool, stop_all_pools

    def big(n):
        return b"x" * n

    if __name__ == "__main__":
        for delay in (0.15, 0.25, 0.35, 0.5, 0.7, 0.9):
            pools = process_pool(2)
            pool = pools.__enter__()
            for _ in range(4):
                pool.submit(big, 200_000_000)
            time.sleep(delay)
            stop_all_pools()
            left = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
            print(delay, left, flush=True)
    """
)


def test_a_pool_stopped_while_workers_send_results_lets_the_program_end() -> None:
    run = subprocess.run(
        [sys.executable, "-c", _STOPPED_WHILE_SENDING],
        capture_output=True,
        text=True,
        timeout=120,  # the program hung here, waiting at exit for the manager thread
        check=False,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 6 and all(line.endswith(" []") for line in lines), run.stdout
    assert "Traceback" not in run.stderr and "Exception ignored" not in run.stderr, run.stderr
