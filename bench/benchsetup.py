"""What every benchmark does first: Django on a throw-away SQLite database in a temporary directory (removed
at exit), or on the database DATABASE_URL names (as `scripts/with-postgres.sh` sets it), migrated."""

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def setup_django() -> None:
    if "DATABASE_URL" not in os.environ:
        workdir = tempfile.mkdtemp(prefix="gonghui-bench-")
        atexit.register(shutil.rmtree, workdir, ignore_errors=True)
        os.environ["GONGHUI_VAR_DIR"] = workdir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(fn, repeat: int) -> tuple[float, float]:
    """Run `fn` once to warm up, then `repeat` times: (min, median) in milliseconds."""
    import statistics
    import time

    fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return min(samples), statistics.median(samples)
