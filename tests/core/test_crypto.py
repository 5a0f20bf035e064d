"""The master key and sealed secrets: refused clearly when damaged, created once when missing."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
import textwrap

import pytest

from predictu_console.core import crypto, errors
from predictu_console.core.crypto import SecretBox, master_key
from predictu_console.core.errors import MasterKeyError, SecretUnreadable

KEY = base64.b64encode(bytes(range(32))).decode()


def _key_file(tmp_path, content: str, mode: int = 0o600):
    path = tmp_path / "master.key"
    path.write_text(content)
    path.chmod(mode)
    return path


def test_master_key_error_is_a_domain_error_importable_from_both_modules():
    assert crypto.MasterKeyError is errors.MasterKeyError
    assert MasterKeyError("x").code == "MASTER_KEY_ERROR"


def test_a_missing_key_file_is_created_private_whatever_the_umask_and_then_reused(tmp_path):
    previous = os.umask(0o022)
    try:
        first = master_key(None, tmp_path / "master.key")
    finally:
        os.umask(previous)

    assert stat.S_IMODE((tmp_path / "master.key").stat().st_mode) == 0o600
    assert master_key(None, tmp_path / "master.key") == first
    assert [path.name for path in tmp_path.iterdir()] == ["master.key"]


@pytest.mark.parametrize("content", ["", "\n", "garbage", base64.b64encode(b"x" * 31).decode()])
def test_a_key_file_without_a_key_is_refused_naming_the_file(tmp_path, content):
    path = _key_file(tmp_path, content)

    with pytest.raises(MasterKeyError) as refused:
        master_key(None, path)

    assert refused.value.message.startswith(f"The master key file {path} does not hold a key")
    assert "PREDICTU_MASTER_KEY" not in refused.value.message


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_key_file_other_users_can_read_is_refused_with_the_fix(tmp_path, mode):
    path = _key_file(tmp_path, KEY, mode)

    with pytest.raises(MasterKeyError) as refused:
        master_key(None, path)

    assert f"mode {mode:04o}" in refused.value.message
    assert refused.value.message.endswith(f"chmod 600 {path}")


def test_the_configured_key_wins_over_the_file_and_a_bad_one_names_the_variable(tmp_path):
    path = _key_file(tmp_path, "garbage")

    assert master_key(KEY, path) == bytes(range(32))
    with pytest.raises(MasterKeyError, match="^PREDICTU_MASTER_KEY must be"):
        master_key("garbage", path)


_CONTENDER = textwrap.dedent(
    """
    import base64, os, sys
    from pathlib import Path
    from predictu_console.core.crypto import master_key
    for trial in sys.argv[2:]:
        directory = Path(sys.argv[1]) / trial
        while not (directory / "go").exists():
            os.sched_yield()
        try:
            print(base64.b64encode(master_key(None, directory / "master.key")).decode())
        except BaseException as error:
            print(type(error).__name__)
        sys.stdout.flush()
    """
)
PROCESSES, TRIALS = 8, 25


@pytest.mark.slow
def test_processes_starting_together_on_a_fresh_directory_agree_on_one_key(tmp_path):
    trials = [f"trial-{n}" for n in range(TRIALS)]
    contenders = [
        subprocess.Popen(
            [sys.executable, "-c", _CONTENDER, str(tmp_path), *trials],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    try:
        for trial in trials:
            (tmp_path / trial).mkdir()
            (tmp_path / trial / "go").touch()  # every contender races for the first key now
            keys = [contender.stdout.readline().strip() for contender in contenders]

            stored = (tmp_path / trial / "master.key").read_text().strip()
            assert keys == [stored] * PROCESSES, trial
            assert sorted(path.name for path in (tmp_path / trial).iterdir()) == [
                "go",
                "master.key",
            ]
    finally:
        for contender in contenders:
            contender.kill()
            contender.communicate()


@pytest.mark.parametrize("sealed", ["", "not base64!", base64.b64encode(b"short").decode()])
def test_a_damaged_sealed_secret_is_a_classified_error(sealed):
    with pytest.raises(SecretUnreadable) as refused:
        SecretBox(bytes(32)).open("key_abc", sealed)

    assert refused.value.code == "SECRET_UNREADABLE"
    assert "key_abc" in refused.value.message


def test_a_secret_sealed_under_another_key_is_a_master_key_error():
    sealed = SecretBox(bytes(32)).seal("key_abc", "sk_live_secret")

    assert SecretBox(bytes(32)).open("key_abc", sealed) == "sk_live_secret"
    with pytest.raises(MasterKeyError, match="PREDICTU_MASTER_KEY"):
        SecretBox(bytes(range(32))).open("key_abc", sealed)
