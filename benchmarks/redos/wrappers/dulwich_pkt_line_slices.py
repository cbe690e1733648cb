"""dulwich 1.2.14: read git protocol pkt-lines from the bytes a peer sent, as a git server or client does with what
it receives (its characters are the bytes, Latin-1)."""

from dulwich.protocol import PktLineParser


def target(s: str) -> int:
    packets: list[bytes | None] = []
    PktLineParser(packets.append).parse(s.encode("latin-1"))
    return len(packets)
