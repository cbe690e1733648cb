"""A workload for ``ecdsa`` 0.13.3 from PyPI (held-out-2 half; written before any perfkit run on it): a script that
signs and verifies a batch of messages and, like a teaching or audit notebook, works out group-theoretic facts of
small moduli with the library's number theory (factorisations, totients, Carmichael functions, orders, square
roots, primes). Run from the package's source root; deterministic."""

import hashlib
import random

from ecdsa import NIST192p, SigningKey
from ecdsa import numbertheory as nt

rng = random.Random(31)
key = SigningKey.from_secret_exponent(rng.randrange(1, NIST192p.order), curve=NIST192p)
public = key.get_verifying_key()
valid = 0
for i in range(40):
    message = f"record {i}: {rng.random()}".encode()
    signature = key.sign(message, hashfunc=hashlib.sha1, k=rng.randrange(1, NIST192p.order))
    valid += public.verify(signature, message, hashfunc=hashlib.sha1)

facts = 0
for n in range(10**6, 10**6 + 8000):
    facts += len(nt.factorization(n)) + nt.phi(n) % 7 + nt.carmichael(n) % 5
for m in (1009, 2003, 4001, 6007, 8009, 10007):
    for x in range(2, 40):
        facts += nt.order_mod(x, m)
        if nt.jacobi(x, m) == 1:
            facts += nt.square_root_mod_prime(x, m)
p = 10**5
for _ in range(200):
    p = nt.next_prime(p)
    facts += p % 11
facts += sum(nt.is_prime(q) for q in range(10**7, 10**7 + 60000))
print("checksum", valid, facts)
