"""ua-parser 0.9.0: parse a User-Agent header into browser, OS and device.

``Parse`` keeps a cache of the strings it has seen, so this calls its three parsers (what ``Parse`` does on a cache
miss) and every call does the work.
"""

from ua_parser import user_agent_parser


def target(s: str) -> dict[str, object]:
    return {
        "user_agent": user_agent_parser.ParseUserAgent(s),
        "os": user_agent_parser.ParseOS(s),
        "device": user_agent_parser.ParseDevice(s),
    }
