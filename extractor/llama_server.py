"""The embedded model server: llama-cpp-python's OpenAI-compatible server, with cheaper grammar sampling.

Run as ``python -m extractor.llama_server [the arguments of python -m llama_cpp.server]``.

relfig asks for greedy answers (temperature 0) under a JSON schema, which llama-cpp-python turns
into a grammar. Its sampler chain is penalties -> grammar -> greedy, so at every generated token
the grammar checks all 151,936 tokens of Qwen's vocabulary; on two cores that took about a third
of the generation time (measured: 15 tokens/s free, 10-11.6 with the grammar, same prompts).

Here, for greedy sampling with a grammar, the chain is penalties -> top-k -> grammar -> fallback
-> greedy. The grammar checks only the ``TOP_K`` best candidates; when none of them fits (rare:
the model's favourites nearly always include a token the schema allows), the fallback rebuilds
the full candidate list from the logits, applies the same penalties and grammar samplers to all of
it, and greedy picks as before. Either way greedy picks the best token the grammar allows, so the
answers are the ones the unpatched chain gives (``tests/test_llama_server.py`` compares them).
Any other request (sampling with a temperature, logits processors) takes llama-cpp-python's own path.
"""

from __future__ import annotations

import math
import os
import runpy
import sys
from typing import Any

TOP_K = int(os.environ.get("RELFIG_GRAMMAR_TOP_K", "32"))
"""How many of the best candidates the grammar checks before the full vocabulary (0: llama-cpp-python's
own chain, for comparison)."""


def patch_llama(top_k: int = TOP_K) -> None:
    """Make ``Llama._init_sampler`` build the cheaper chain for greedy grammar sampling."""
    if top_k <= 0:
        return
    import llama_cpp
    from llama_cpp import _internals as internals
    from llama_cpp.llama import Llama

    original = Llama._init_sampler

    def init_sampler(self: Any, **kwargs: Any) -> Any:
        grammar = kwargs.get("grammar")
        plain = kwargs.get("temp", 0.8) != 0.0 or kwargs.get("logits_processor") is not None
        if grammar is None or plain or getattr(self, "draft_model", None) is not None:
            return original(self, **kwargs)
        sampler = internals.LlamaSampler()  # type: ignore[no-untyped-call]
        sampler.add_penalties(
            n_vocab=self._n_vocab,
            penalty_last_n=self.last_n_tokens_size,
            penalty_repeat=kwargs.get("repeat_penalty", 1.0),
            penalty_freq=kwargs.get("frequency_penalty", 0.0),
            penalty_present=kwargs.get("presence_penalty", 0.0),
        )
        penalties = llama_cpp.llama_sampler_chain_get(sampler.sampler, 0)
        sampler.add_top_k(top_k)
        sampler.add_grammar(self._model, grammar)
        grammar_sampler = llama_cpp.llama_sampler_chain_get(sampler.sampler, 2)
        ctx, n_vocab = self._ctx.ctx, self._n_vocab

        def fallback(cur_p: Any) -> None:
            candidates = cur_p.contents
            data = candidates.data
            if any(not math.isinf(data[i].logit) for i in range(candidates.size)):
                return
            logits = llama_cpp.llama_get_logits_ith(ctx, -1)
            for token in range(n_vocab):  # the candidate buffer holds the whole vocabulary
                data[token].id, data[token].logit, data[token].p = token, logits[token], 0.0
            candidates.size, candidates.selected, candidates.sorted = n_vocab, -1, False
            llama_cpp.llama_sampler_apply(penalties, cur_p)
            llama_cpp.llama_sampler_apply(grammar_sampler, cur_p)

        sampler.add_custom(fallback)
        sampler.add_greedy()  # type: ignore[no-untyped-call]
        return sampler

    Llama._init_sampler = init_sampler  # type: ignore[method-assign,assignment]


def main() -> None:
    """Patch, then run llama-cpp-python's server with this process's arguments."""
    patch_llama()
    sys.argv[0] = "llama_cpp.server"
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
