"""Which files an import reads, and reading them: regular files inside the paths named, never blocking.

The tree an import walks is written by others (the pipeline, whoever can write to its
directory), and whatever the importer reads becomes a draft every editor can read. So a walk
reads only what lies inside the path it was given: a symbolic link that leads out of it is
refused, and so is anything that is not a regular file (a FIFO would block the import for
ever, a device would be read as an article). Every path that cannot be walked is reported, so
an unreadable directory never looks like an empty one.

The walk opens each directory relative to its parent and never through a link, and remembers
the device and inode of each file it finds; the read opens the file without waiting (a FIFO
opens at once) and checks, on the open descriptor, that it is that same regular file. A path
changed between the walk and the read is refused, not followed.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ARTICLE_FILE_SUFFIXES = {".txt", ".md", ".markdown"}

_DIRECTORY_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. It changes nothing for regular files.
_FILE_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC


@dataclass(frozen=True, slots=True)
class ArticleFile:
    """A file to import: its absolute path, how to name it in messages, and its identity path for drafts.

    ``inode`` is the (device, inode) the walk found at ``path``: the file read must be that one.
    ``through_link`` marks a symbolic link that leads inside its root, opened through the link.
    ``problem`` says why the walk refused the path: it is reported as rejected, never opened.
    """

    path: str
    display: str
    source_path: str
    inode: tuple[int, int] | None = None
    through_link: bool = False
    problem: str = ""


class Unreadable(Exception):
    """A file that is not read, with the message naming it and why."""


def iter_article_files(paths: Sequence[str | os.PathLike]) -> Iterator[ArticleFile]:
    """Files named directly, and article files (by suffix) anywhere under named directories, sorted,
    found as they are needed: a tree of any size costs no memory up front.

    A draft's identity is its path relative to the directory it was found under, so the same
    tree imported from another place (or exported and re-imported) is recognised. A path named
    here is its own root: links on the way to it are followed, as they are for whoever typed it.
    Under a directory, a link is followed only when it leads to a file inside that directory.
    Raises FileNotFoundError at once for a path that does not exist; any other path that cannot
    be walked is yielded with its ``problem``.
    """
    missing = [os.fspath(given) for given in paths if not _exists(given)]
    if missing:
        raise FileNotFoundError(f"No such file or directory: {', '.join(missing)}")
    return _walk_article_files(paths)


def _exists(path: str | os.PathLike) -> bool:
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True  # there, but not readable: the walk reports why
    return True


def _walk_article_files(paths: Sequence[str | os.PathLike]) -> Iterator[ArticleFile]:
    # A file named twice (directly and through its directory) is imported once. One directory
    # cannot yield a file twice, so only several paths need remembering what was seen.
    seen: set[str] | None = set() if len(paths) > 1 else None
    for given in paths:
        for file in _walk_path(os.fspath(given)):
            if seen is not None:
                if file.path in seen:
                    continue
                seen.add(file.path)
            yield file


def _walk_path(given: str) -> Iterator[ArticleFile]:
    resolved = os.path.realpath(given)
    name = Path(given).name
    try:
        status = os.stat(resolved)
    except OSError as error:
        yield _refused(resolved, given, name, f"cannot be read ({_reason(error)})")
        return
    if stat.S_ISDIR(status.st_mode):
        yield from _walk_directory(_Root(resolved, str(Path(given))))
    elif stat.S_ISREG(status.st_mode):
        yield ArticleFile(resolved, printable(given), name, inode=(status.st_dev, status.st_ino))
    else:
        yield _refused(resolved, given, name, f"not a regular file or a directory ({_kind(status.st_mode)})")


@dataclass(frozen=True, slots=True)
class _Root:
    path: str  # resolved
    shown: str  # as named

    def holds(self, resolved_path: str) -> bool:
        return resolved_path == self.path or resolved_path.startswith(os.path.join(self.path, ""))


def _walk_directory(root: _Root) -> Iterator[ArticleFile]:
    try:
        descriptor = os.open(root.path, _DIRECTORY_FLAGS)
    except OSError as error:
        yield _unwalkable(root.path, root.shown, "", error)
        return
    try:
        yield from _walk_open_directory(descriptor, root, "")
    finally:
        os.close(descriptor)


def _walk_open_directory(descriptor: int, root: _Root, relative: str) -> Iterator[ArticleFile]:
    """The directory at ``relative`` (to the root, "" for the root itself), open as ``descriptor``."""
    directory = os.path.join(root.path, relative) if relative else root.path
    shown_directory = os.path.join(root.shown, relative) if relative else root.shown
    try:
        files, links, subdirectories = _list(descriptor)
    except OSError as error:
        yield _unwalkable(directory, shown_directory, relative.replace(os.sep, "/"), error)
        return
    # Joined once per directory: a tree of 100,000 files has few directories.
    path_prefix, shown_prefix = os.path.join(directory, ""), os.path.join(shown_directory, "")
    relative_prefix = os.path.join(relative, "") if relative else ""
    identity_prefix = relative_prefix.replace(os.sep, "/")
    for name in sorted([*files, *links]):
        path, shown, identity = path_prefix + name, shown_prefix + name, identity_prefix + name
        if name in links:
            if (found := _through_link(path, shown, identity, root)) is not None:
                yield found
            continue
        try:
            # The one system call per file the walk adds: what the read must find there.
            status = os.stat(name, dir_fd=descriptor, follow_symlinks=False)
        except OSError as error:
            yield _refused(path, shown, identity, f"cannot be read ({_reason(error)})")
            continue
        if stat.S_ISREG(status.st_mode):
            yield ArticleFile(path, printable(shown), identity, inode=(status.st_dev, status.st_ino))
        else:
            yield _refused(path, shown, identity, f"not a regular file ({_kind(status.st_mode)})")
    for name in sorted(subdirectories):
        try:
            child = os.open(name, _DIRECTORY_FLAGS, dir_fd=descriptor)
        except OSError as error:
            yield _unwalkable(path_prefix + name, shown_prefix + name, identity_prefix + name, error)
            continue
        try:
            yield from _walk_open_directory(child, root, relative_prefix + name)
        finally:
            os.close(child)


def _list(descriptor: int) -> tuple[list[str], set[str], list[str]]:
    """The directory's article files (by name), its symbolic links and its subdirectories; hidden names left out.

    Told apart by the type the directory listing gives, without a system call per entry.
    """
    suffixes = tuple(ARTICLE_FILE_SUFFIXES)
    files: list[str] = []
    links: set[str] = set()
    subdirectories: list[str] = []
    with os.scandir(descriptor) as entries:
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    subdirectories.append(name)
                elif entry.is_symlink():
                    links.add(name)
                elif name.lower().endswith(suffixes):
                    files.append(name)
            except OSError:
                if name.lower().endswith(suffixes):
                    files.append(name)  # its stat reports why it cannot be read
    return files, links, subdirectories


def _through_link(path: str, shown: str, identity: str, root: _Root) -> ArticleFile | None:
    """A link under the root: the article file it leads to, if that is inside the root; else a refusal.

    A link to a directory is not walked: inside the root, the directory is walked where it is
    (following it would import its files twice, or for ever around a loop).
    """
    is_article_name = path.lower().endswith(tuple(ARTICLE_FILE_SUFFIXES))
    target = os.path.realpath(path)
    try:
        status = os.stat(target)
    except OSError as error:
        if not is_article_name:
            return None
        return _refused(path, shown, identity, f"a symbolic link that cannot be followed ({_reason(error)})")
    is_directory = stat.S_ISDIR(status.st_mode)
    if not (is_article_name or is_directory):
        return None
    if not root.holds(target):
        return _refused(
            path, shown, identity, f"a symbolic link to {printable(target)}, outside {printable(root.shown)}"
        )
    if is_directory:
        return None
    if not stat.S_ISREG(status.st_mode):
        return _refused(
            path, shown, identity, f"a symbolic link to something that is not a regular file ({_kind(status.st_mode)})"
        )
    return ArticleFile(path, printable(shown), identity, inode=(status.st_dev, status.st_ino), through_link=True)


def _refused(path: str, shown: str, identity: str, problem: str) -> ArticleFile:
    return ArticleFile(path, printable(shown), identity, problem=problem)


def _unwalkable(path: str, shown: str, identity: str, error: OSError) -> ArticleFile:
    return _refused(
        path, shown, identity, f"the directory cannot be read ({_reason(error)}); nothing in it was imported"
    )


def read_article_file(file: ArticleFile, *, max_bytes: int) -> bytes:
    """The file's bytes; raises Unreadable if it is refused, too large, or not the regular file the walk found."""
    if file.problem:
        raise Unreadable(f"{file.display}: rejected: {file.problem}")
    if printable(file.path) != file.path:
        # The path is stored and reported as text: a name that is not UTF-8 cannot be.
        raise Unreadable(f"{file.display}: rejected: the file name is not valid UTF-8")
    try:
        # os.open/os.read: no buffered file object per file (a re-import reads every file of the tree).
        descriptor = os.open(file.path, _FILE_FLAGS if file.through_link else _FILE_FLAGS | os.O_NOFOLLOW)
    except OSError as error:
        if error.errno == errno.ELOOP and not file.through_link:
            raise Unreadable(f"{file.display}: rejected: it became a symbolic link after it was found") from None
        raise Unreadable(f"{file.display}: rejected: cannot be read ({_reason(error)})") from None
    try:
        # Checked on the open descriptor, so what is read is what was checked.
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise Unreadable(f"{file.display}: rejected: not a regular file ({_kind(status.st_mode)})")
        if file.inode is not None and (status.st_dev, status.st_ino) != file.inode:
            raise Unreadable(f"{file.display}: rejected: it was replaced by another file after it was found")
        size = status.st_size
        if size > max_bytes:
            # Rejected before reading a byte of it.
            raise Unreadable(f"{file.display}: rejected: the file is {size:,} bytes, over the {max_bytes:,}-byte limit")
        # Sized by fstat (reading max_bytes would allocate the whole limit for every file): one
        # read, unless the file changed size meanwhile, and never further than just past the limit.
        data = os.read(descriptor, size + 1)
        if len(data) != size:
            data += _read_up_to(descriptor, max_bytes + 1 - len(data))
    except OSError as error:
        raise Unreadable(f"{file.display}: rejected: cannot be read ({_reason(error)})") from None
    finally:
        os.close(descriptor)
    return data


def _read_up_to(descriptor: int, size: int) -> bytes:
    """``size`` bytes, or fewer at the end of the file."""
    data = b""
    while len(data) < size and (more := os.read(descriptor, size - len(data))):
        data += more
    return data


def _kind(mode: int) -> str:
    for is_kind, kind in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a directory"),
    ):
        if is_kind(mode):
            return kind
    return "an unknown kind of file"


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def printable(path: str) -> str:
    """A file system path as text that can be shown, stored and written to a report (bad bytes become U+FFFD)."""
    if path.isascii():
        return path  # undecodable bytes are surrogate escapes, never ASCII
    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = path.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "replace")
