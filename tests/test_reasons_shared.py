"""Three-step phrases are written once per group of pairs that must read the same (one
target, one first-step neighbour, the source not a second intermediate itself): every
pair's phrase equals the one written for it alone."""

from __future__ import annotations

import numpy as np

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries import reasons
from innokg.queries.arrays import arrays
from innokg.queries.metapaths import step_matrix, transposed_step
from innokg.queries.partners import KINDS


def test_shared_phrases_equal_each_pairs_own(demo_graph: EcosystemGraph) -> None:
    A = arrays(demo_graph)
    rng = np.random.default_rng(5)
    checked = 0
    for kind in KINDS.values():
        for path in kind.paths + kind.proxies:
            if len(path.steps) != 3:
                continue
            sources = np.flatnonzero(A.mask(kind.source))
            targets = np.flatnonzero(A.mask(kind.target))
            if not len(sources) or not len(targets):
                continue
            # many sources against a few targets, so that groups form
            u = rng.choice(sources, size=600)
            v = rng.choice(targets[:4], size=600)
            # and pairs whose source the last step links to the target: their own group
            last = transposed_step(A, path.steps[-1], None)
            t = targets[np.argmax(np.diff(last.indptr)[targets])]
            linked = last.indices[last.indptr[t] : last.indptr[t + 1]][:20]
            u = np.concatenate([u, linked])
            v = np.concatenate([v, np.full(len(linked), t)])
            first, _ = reasons._same_phrase(A, path, u, v, None)
            zh, en, back = reasons._phrase_pool(A, path, u, v, None)
            shared = zh.take(back), en.take(back)
            alone = reasons._chunked_phrases(A, path, u, v, None)
            assert shared[0].equals(alone[0]) and shared[1].equals(alone[1]), path.key
            if step_matrix(A, path.steps[0], None).nnz:
                assert len(first) < len(u), path.key  # groups did form
            checked += 1
    assert checked >= 4
