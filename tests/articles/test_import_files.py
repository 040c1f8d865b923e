"""What import_articles reads from the file system: symbolic links that leave the imported
path, FIFOs, sockets and devices, paths that cannot be walked, and a report that cannot be written.

Tests run as root, which permission bits do not stop: those about unreadable paths make the
thread's file system user ``nobody`` (setfsuid), so the kernel refuses them as it would anyone.
"""

import contextlib
import ctypes
import os
import pwd
import resource
import shutil
import signal
import socket
import stat
import tempfile
from pathlib import Path

import pytest

from articles.ingest.files import iter_article_files
from articles.ingest.load import import_files
from articles.models import Article
from tests.articles.test_import_articles import read_report, summary_counts
from tests.factories import article_text

pytestmark = pytest.mark.django_db

SECRET = "Nobody outside may read this line."


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def tree():
    """A directory everyone may read (pytest's own temporary directories are private to root)."""
    path = Path(tempfile.mkdtemp(prefix="newsdesk-import-"))
    path.chmod(0o755)
    yield path
    for directory, _, _ in os.walk(path):
        os.chmod(directory, 0o755)
    shutil.rmtree(path)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def feed(tree):
    """``tree/feed`` with one good article, and ``tree/outside/secret.txt`` beside it (outside the feed)."""
    write(tree / "feed" / "good.txt", article_text())
    write(tree / "outside" / "secret.txt", SECRET + "\n")
    return tree / "feed"


@pytest.fixture(autouse=True)
def fails_instead_of_hanging():
    """An import that blocks (in open() on a FIFO, say) fails the test after 20 s instead of hanging the suite."""

    def blocked(signum, frame):
        raise TimeoutError("the import blocked")

    previous = signal.signal(signal.SIGALRM, blocked)
    signal.setitimer(signal.ITIMER_REAL, 20)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def permissions_enforced():
    """Permission bits apply to this thread's file access, even as root: its file system user
    becomes ``nobody``, which takes away root's right to ignore them until it is set back."""
    if os.geteuid() != 0:
        yield
        return
    libc = ctypes.CDLL(None, use_errno=True)
    nobody = pwd.getpwnam("nobody").pw_uid
    libc.setfsuid(nobody)
    try:
        assert libc.setfsuid(-1) == nobody, "setfsuid did not take effect"
        yield
    finally:
        libc.setfsuid(0)


def stored_text() -> str:
    return "\n".join(f"{title}\n{body}" for title, body in Article.objects.values_list("title", "body"))


def only_good_imported() -> bool:
    return list(Article.objects.values_list("url", flat=True)) == ["https://example.com/news/a-test-article"]


# --------------------------------------------------------------------------- symbolic links


@pytest.mark.parametrize(
    "make_link",
    [
        pytest.param(
            lambda feed: (feed / "x.md").symlink_to(feed.parent / "outside" / "secret.txt"), id="absolute-link"
        ),
        pytest.param(lambda feed: (feed / "x.md").symlink_to("../outside/secret.txt"), id="relative-link"),
        pytest.param(
            lambda feed: (feed / "sub").mkdir() or (feed / "sub" / "x.md").symlink_to("../../outside/secret.txt"),
            id="link-in-a-subdirectory",
        ),
        pytest.param(lambda feed: (feed / "x.md").symlink_to("/dev/zero"), id="link-to-a-device"),
        pytest.param(lambda feed: (feed / "x").symlink_to(feed.parent / "outside"), id="link-to-a-directory-outside"),
    ],
)
def test_link_leading_out_of_the_imported_directory_is_rejected_and_the_rest_imported(run_import, feed, make_link):
    make_link(feed)

    status, stdout, stderr = run_import(feed)

    assert status == 1
    assert summary_counts(stdout) == (2, 1, 0, 0, 1, 0)
    (message,) = [line for line in stderr.splitlines() if "rejected" in line and "feed/" in line]
    assert "/x" in message and "symbolic link" in message and "outside" in message
    assert SECRET not in stored_text()
    assert only_good_imported()


def test_link_to_a_file_inside_the_imported_directory_is_read_under_its_own_name(run_import, feed, tmp_path):
    # The target's name is not an article name: only the link brings it in.
    write(feed / "store" / "draft.data", "A draft kept in the store\nIts text.\n")
    (feed / "draft.txt").symlink_to("store/draft.data")

    status, _, stderr = run_import(feed, report=tmp_path / "report.json")

    assert status == 0, stderr
    assert read_report(tmp_path / "report.json")["draft.txt"]["outcome"] == "created"
    assert Article.objects.get(is_draft=True).source_path == "draft.txt"


def test_link_to_a_directory_inside_is_not_walked_twice(run_import, feed):
    write(feed / "real" / "draft.txt", "A draft\nIts text.\n")
    (feed / "alias").symlink_to("real")
    (feed / "loop").symlink_to(".")

    status, stdout, stderr = run_import(feed)

    assert status == 0, stderr
    assert summary_counts(stdout) == (2, 2, 0, 0, 0, 1)
    assert Article.objects.get(is_draft=True).source_path == "real/draft.txt"


def test_file_named_on_the_command_line_is_read_wherever_its_link_leads(run_import, feed):
    # A named path is its own root: the operator chose it, as they chose a linked directory.
    write(feed.parent / "outside" / "named.txt", article_text(webUrl="https://example.com/named"))
    (feed.parent / "named.txt").symlink_to("outside/named.txt")

    status, stdout, stderr = run_import(feed.parent / "named.txt")

    assert status == 0, stderr
    assert list(Article.objects.values_list("url", flat=True)) == ["https://example.com/named"]


def test_directory_named_through_a_link_is_walked(run_import, feed):
    (feed.parent / "current").symlink_to("feed")

    status, stdout, stderr = run_import(feed.parent / "current")

    assert status == 0, stderr
    assert only_good_imported()


# --------------------------------------------------------------------------- FIFOs, sockets, devices


def make_fifo(path: Path) -> None:
    os.mkfifo(path)


def make_socket(path: Path) -> None:
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(path))
    listener.close()  # the socket file stays


def make_device(path: Path) -> None:
    os.mknod(path, stat.S_IFCHR | 0o644, os.makedev(1, 5))  # the kernel's /dev/zero


NOT_REGULAR = pytest.mark.parametrize(
    "make, kind",
    [(make_fifo, "a FIFO"), (make_socket, "a socket"), (make_device, "a character device")],
    ids=["fifo", "socket", "device"],
)


@NOT_REGULAR
def test_a_file_that_is_not_a_regular_file_is_rejected_without_blocking_the_import(
    run_import, feed, tmp_path, make, kind
):
    make(feed / "odd.md")
    write(feed / "zz-after.txt", article_text(webUrl="https://example.com/after"))

    status, stdout, _ = run_import(feed, report=tmp_path / "report.json")

    assert status == 1
    assert summary_counts(stdout) == (3, 2, 0, 0, 1, 0)
    (message,) = read_report(tmp_path / "report.json")["odd.md"]["messages"]
    assert "odd.md" in message and f"not a regular file ({kind})" in message
    assert Article.objects.count() == 2


@NOT_REGULAR
def test_a_named_path_that_is_not_a_regular_file_is_rejected(run_import, tree, make, kind):
    make(tree / "odd.md")

    status, stdout, stderr = run_import(tree / "odd.md")

    assert status == 1
    assert summary_counts(stdout) == (1, 0, 0, 0, 1, 0)
    assert f"odd.md: rejected: not a regular file or a directory ({kind})" in stderr


def test_a_file_replaced_by_a_fifo_after_the_walk_is_rejected_without_blocking(feed):
    files = list(iter_article_files([feed]))
    (feed / "good.txt").unlink()
    os.mkfifo(feed / "good.txt")
    reports = []

    summary = import_files(files, workers=1, on_file=reports.append)

    assert summary.counts["rejected"] == 1
    assert "not a regular file (a FIFO)" in reports[0].messages[0]


def test_a_file_replaced_by_a_link_after_the_walk_is_not_followed(feed):
    files = list(iter_article_files([feed]))
    (feed / "good.txt").unlink()
    (feed / "good.txt").symlink_to(feed.parent / "outside" / "secret.txt")
    reports = []

    import_files(files, workers=1, on_file=reports.append)

    assert reports[0].outcome == "rejected"
    assert "symbolic link" in reports[0].messages[0]
    assert Article.objects.count() == 0


def test_a_directory_replaced_by_a_link_after_the_walk_is_not_followed(tree):
    write(tree / "feed" / "sub" / "a.txt", article_text())
    write(tree / "outside" / "a.txt", SECRET + "\n")
    files = list(iter_article_files([tree / "feed"]))
    (tree / "feed" / "sub").rename(tree / "elsewhere")
    (tree / "feed" / "sub").symlink_to(tree / "outside")
    reports = []

    import_files(files, workers=1, on_file=reports.append)

    assert reports[0].outcome == "rejected"
    assert "replaced" in reports[0].messages[0]
    assert SECRET not in stored_text()


# --------------------------------------------------------------------------- paths that cannot be walked


def test_unreadable_directory_is_reported_and_the_rest_imported(run_import, feed):
    write(feed / "private" / "hidden-from-us.txt", article_text(webUrl="https://example.com/private"))
    (feed / "private").chmod(0)

    with permissions_enforced():
        status, stdout, stderr = run_import(feed)

    assert status == 1
    assert summary_counts(stdout) == (2, 1, 0, 0, 1, 0)
    assert f"{feed / 'private'}: rejected: the directory cannot be read (Permission denied)" in stderr
    assert only_good_imported()


def test_unreadable_root_is_reported_not_imported_as_empty(run_import, feed):
    feed.chmod(0)

    with permissions_enforced():
        status, stdout, stderr = run_import(feed)

    assert status == 1
    assert summary_counts(stdout) == (1, 0, 0, 0, 1, 0)
    assert f"{feed}: rejected: the directory cannot be read (Permission denied)" in stderr


def test_path_under_a_directory_that_cannot_be_searched_is_reported(run_import, feed):
    feed.chmod(0o600)  # listed, not searched: nothing in it can be reached

    with permissions_enforced():
        status, stdout, stderr = run_import(feed / "good.txt")

    assert status == 1
    assert "good.txt: rejected: cannot be read (Permission denied)" in stderr
    assert Article.objects.count() == 0


def test_files_of_a_directory_that_can_be_listed_but_not_searched_are_each_reported(run_import, feed):
    write(feed / "second.txt", article_text(webUrl="https://example.com/second"))
    feed.chmod(0o644)

    with permissions_enforced():
        status, stdout, stderr = run_import(feed)

    assert status == 1
    assert summary_counts(stdout) == (2, 0, 0, 0, 2, 0)
    assert "good.txt: rejected: cannot be read (Permission denied)" in stderr
    assert "second.txt: rejected: cannot be read (Permission denied)" in stderr


# --------------------------------------------------------------------------- the report


@pytest.fixture
def full_device(tree) -> Path:
    """/dev/full, the device every write to fails with ENOSPC. As root, a node of that device of
    the test's own: an importer that replaced its report's path (as one once did) can only
    replace that one, not the machine's."""
    if os.geteuid() != 0:
        return Path("/dev/full")
    path = tree / "full"
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # Linux numbers /dev/full 1:7
    return path


def test_report_to_a_full_device_is_a_one_line_error_and_the_import_is_still_told_truly(run_import, feed, full_device):
    status, stdout, stderr = run_import(feed, report=full_device)

    assert status == 1
    assert summary_counts(stdout) == (1, 1, 0, 0, 0, 0)
    assert (
        stderr.strip() == f"The report could not be written to {full_device} (No space left on device): there is none."
    )
    assert only_good_imported()
    assert stat.S_ISCHR(os.stat(full_device).st_mode)  # written to, never replaced


def test_report_that_cannot_be_finished_leaves_no_report_behind(run_import, feed, tmp_path):
    # A real write failure on a regular file: past RLIMIT_FSIZE the kernel refuses to write
    # (EFBIG, as a full disk refuses with ENOSPC; SIGXFSZ ignored, so the write fails instead).
    for number in range(200):
        write(feed / f"{number:03}.txt", article_text(webUrl=f"https://example.com/{number}", title=f"Story {number}"))
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, limit[1]))
    try:
        status, stdout, stderr = run_import(feed, report=tmp_path / "report.json", workers=1)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limit)
        signal.signal(signal.SIGXFSZ, previous)

    assert status == 1
    assert summary_counts(stdout) == (201, 201, 0, 0, 0, 0)
    assert (
        stderr.strip()
        == f"The report could not be written to {tmp_path / 'report.json'} (File too large): there is none."
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == []
    assert Article.objects.count() == 201


def test_report_in_a_directory_that_cannot_be_written_is_refused_before_importing(run_import, feed, tree):
    (tree / "reports").mkdir(mode=0o555)

    with permissions_enforced():
        status, _, stderr = run_import(feed, report=tree / "reports" / "report.json")

    assert status == 2
    assert stderr.strip() == f"Cannot write the report to {tree / 'reports' / 'report.json'}: Permission denied."
    assert Article.objects.count() == 0


def test_report_to_a_directory_is_refused_before_importing(run_import, feed, tmp_path):
    status, _, stderr = run_import(feed, report=tmp_path)

    assert status == 2
    assert stderr.strip() == f"Cannot write the report to {tmp_path}: Is a directory."
    assert Article.objects.count() == 0
