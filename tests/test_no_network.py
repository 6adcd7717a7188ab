"""The test run itself guards the promise that couplepause opens no network connection."""

import socket

import pytest


def test_an_internet_socket_fails_the_test(request) -> None:
    with pytest.raises(RuntimeError, match="never open an internet socket"):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # The guard also fails the test at teardown; clear what it saw, as this one was on purpose.
    from tests import conftest

    conftest.internet_sockets_seen.clear()


def test_local_sockets_are_fine() -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM):
        pass
