"""Atomic file writes: a crash never leaves a truncated file."""

import contextlib
import os
import tempfile


@contextlib.contextmanager
def atomic_path(path):
    """Yields a temporary path beside `path`; renames it onto `path` on success.

    Whatever is written to the temporary path replaces `path` in one
    `os.replace`, so a reader sees either the old file or the complete new
    one, never a partial write. On an exception the temporary file is
    removed and `path` is untouched.

    Args:
        path: The final file path.

    Yields:
        The temporary path to write to.

    Example:

    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "a.txt")
    >>> with atomic_path(target) as tmp:
    ...     _ = open(tmp, "w").write("done")
    >>> open(target).read()
    'done'
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    base = os.path.basename(path)
    stem, ext = os.path.splitext(base)
    fd, tmp = tempfile.mkstemp(prefix=f".{stem}.", suffix=f".tmp{ext}", dir=directory)
    os.close(fd)
    try:
        yield tmp
        if os.path.exists(tmp):
            # mkstemp creates the file private (0600); give it the usual mode.
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_output_location(path, argument, kind="directory"):
    """Refuses, before anything is written, an output location that cannot be written.

    Creates nothing: the location is checked as it stands. A folder
    (`kind="directory"`) must not be an existing file; a file (`kind="file"`)
    must not be an existing folder; the nearest existing ancestor of either
    must be a writable folder (not a file).

    Args:
        path: The folder or file a callback or a command will write.
        argument: How the user gave it, named in the message (`"--out"`,
            `"SampleSaver(directory=...)"`).
        kind: `"directory"` or `"file"`.

    Returns:
        The absolute path.

    Raises:
        ValueError: naming `argument`, what it points at and the fix.

    Example:

    >>> import os, tempfile
    >>> existing = tempfile.NamedTemporaryFile(delete=False).name
    >>> check_output_location(existing, "--out")
    Traceback (most recent call last):
    ...
    ValueError: --out: ... is an existing file, not a folder; pass a folder path (new or existing), or remove the file.
    """
    if kind not in ("directory", "file"):
        raise ValueError(f"`kind` must be 'directory' or 'file'. Received: kind={kind!r}.")
    try:
        path = os.path.abspath(os.fspath(path))
    except TypeError:
        raise TypeError(
            f"{argument} must be a path (a string or os.PathLike); received {type(path).__name__} {path!r}."
        ) from None
    if os.path.exists(path):
        if kind == "directory" and not os.path.isdir(path):
            raise ValueError(
                f"{argument}: {path!r} is an existing file, not a folder; pass a folder path (new or "
                "existing), or remove the file."
            )
        if kind == "file" and os.path.isdir(path):
            raise ValueError(
                f"{argument}: {path!r} is an existing folder, not a file; pass a file path inside it "
                "(or elsewhere)."
            )
        folder = path if kind == "directory" else os.path.dirname(path)
        if not os.access(folder, os.W_OK | os.X_OK) or (kind == "file" and not os.access(path, os.W_OK)):
            raise ValueError(
                f"{argument}: {path!r} is not writable (permission denied); pass a location you can write."
            )
        return path
    ancestor = os.path.dirname(path)
    while not os.path.exists(ancestor):
        ancestor = os.path.dirname(ancestor)
    if not os.path.isdir(ancestor):
        raise ValueError(
            f"{argument}: cannot create {path!r}: {ancestor!r} is an existing file, not a folder; "
            "pass a path under a folder."
        )
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise ValueError(
            f"{argument}: cannot create {path!r}: the folder {ancestor!r} is not writable (permission "
            "denied); pass a location you can write."
        )
    return path
