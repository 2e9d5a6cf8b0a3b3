"""Notebook 10: each exercise's tests accept the solution and reject plausible wrong answers."""
from answers import answer_tests

NAME = "10_mixture_of_experts"
WRONG = {
    "q10_top_k_gating": {
        "softmax_all_no_renormalise": """
            probs = torch.softmax(router_logits, dim=-1)
            weights, indices = probs.topk(k, dim=-1)
            return weights, indices""",
        "smallest_logits": """
            top_logits, indices = router_logits.topk(k, dim=-1, largest=False)
            return torch.softmax(top_logits, dim=-1), indices""",
        "softmax_wrong_axis": """
            top_logits, indices = router_logits.topk(k, dim=-1)
            return torch.softmax(top_logits, dim=0), indices""",
        "uniform_weights": """
            top_logits, indices = router_logits.topk(k, dim=-1)
            return torch.full_like(top_logits, 1.0 / k), indices""",
    },
    "q10_moe_dispatch": {
        "ignores_weights": """
            out = torch.zeros_like(x)
            for e, expert in enumerate(experts):
                token_idx, slot = torch.where(indices == e)
                if len(token_idx) == 0:
                    continue
                out = out.index_add(0, token_idx, expert(x[token_idx]))
            return out""",
        "first_choice_only": """
            out = torch.zeros_like(x)
            for e, expert in enumerate(experts):
                token_idx = torch.where(indices[:, 0] == e)[0]
                if len(token_idx) == 0:
                    continue
                out = out.index_add(0, token_idx, expert(x[token_idx]) * weights[token_idx, 0, None])
            return out""",
        "dense_all_experts": """
            outs = torch.stack([expert(x) for expert in experts], dim=1)
            chosen = outs.gather(1, indices[..., None].expand(-1, -1, x.shape[-1]))
            return (chosen * weights[..., None]).sum(1)""",
        "overwrites_instead_of_adding": """
            out = torch.zeros_like(x)
            for e, expert in enumerate(experts):
                token_idx, slot = torch.where(indices == e)
                if len(token_idx) == 0:
                    continue
                out[token_idx] = expert(x[token_idx]) * weights[token_idx, slot].unsqueeze(-1)
            return out""",
    },
    "q10_expert_load": {
        "divides_by_tokens": """
            counts = torch.bincount(indices.reshape(-1), minlength=num_experts)
            return counts.float() / indices.shape[0]""",
        "first_slot_only": """
            counts = torch.bincount(indices[:, 0], minlength=num_experts)
            return counts.float() / indices.shape[0]""",
        "drops_idle_experts": """
            counts = torch.bincount(indices.reshape(-1))
            return counts.float() / indices.numel()""",
        "raw_counts": "return torch.bincount(indices.reshape(-1), minlength=num_experts).float()",
    },
    "q10_load_balancing_loss": {
        "no_num_experts_factor": """
            f = expert_load(indices, num_experts)
            p = torch.softmax(router_logits, dim=-1).mean(dim=0)
            return (f * p).sum()""",
        "logits_not_probabilities": """
            f = expert_load(indices, num_experts)
            p = router_logits.mean(dim=0)
            return num_experts * (f * p).sum()""",
        "squared_factor": """
            f = expert_load(indices, num_experts)
            p = torch.softmax(router_logits, dim=-1).mean(dim=0)
            return num_experts ** 2 * (f * p).sum()""",
        "detached": """
            f = expert_load(indices, num_experts)
            p = torch.softmax(router_logits.detach(), dim=-1).mean(dim=0)
            return num_experts * (f * p).sum()""",
        "load_squared": """
            f = expert_load(indices, num_experts)
            return num_experts * (f * f).sum() + 0 * router_logits.sum()""",
    },
}


globals().update(answer_tests(NAME, WRONG, min_wrong=2))
