"""A workload for ``hashids`` 1.2.0 from PyPI (held-out-3 part; written on 2026-11-30 before any perfkit run on
it): the id layer of a web service. Short public ids for database rows (encoded, then decoded on every request),
composite ids that pack a batch of row ids into one token (an export link, a cart), hex object ids, a few tenants
with their own salts and minimum lengths. Run from the package's source root; deterministic."""

import random

from hashids import Hashids

rng = random.Random(31)
tenants = [
    Hashids(salt="billing service", min_length=8),
    Hashids(salt="photos", min_length=12),
    Hashids(salt="a much longer salt used by the analytics tenant", alphabet="abcdefghijklmnopqrstuvwxyz0123456789"),
]

# single row ids: every page view encodes a few and decodes the one in its URL
checksum = 0
tokens = []
for row in range(80000):
    codec = tenants[row % 3]
    token = codec.encode(rng.randint(1, 10**7))
    tokens.append((codec, token))
for codec, token in tokens:
    (value,) = codec.decode(token)
    checksum += value % 1000

# composite ids: a batch of row ids packed into one token (an export link, a shopping cart)
for size in (50, 200, 1000, 3000, 8000, 20000):
    for codec in tenants:
        batch = [rng.randint(0, 10**9) for _ in range(size)]
        token = codec.encode(*batch)
        assert list(codec.decode(token)) == batch
        checksum += len(token)

# hex object ids (24-hex-digit document ids) and long hex blobs (content hashes)
for _ in range(15000):
    oid = f"{rng.getrandbits(96):024x}"
    token = tenants[1].encode_hex(oid)
    checksum += tenants[1].decode_hex(token) == oid
for _ in range(20):
    blob = f"{rng.getrandbits(40000):x}"
    token = tenants[0].encode_hex(blob)
    checksum += len(token) + (tenants[0].decode_hex(token) == blob)

# malformed tokens from the outside world decode to nothing
for codec, token in tokens[:5000]:
    checksum += len(codec.decode(token[::-1] + "!"))
print("checksum", checksum, len(tokens))
