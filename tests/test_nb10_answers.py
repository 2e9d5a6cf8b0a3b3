"""Notebook 10: each exercise's tests accept the solution and correct variants, and reject plausible wrong answers."""
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
        "detached_weights": """
            top_logits, indices = router_logits.detach().topk(k, dim=-1)
            return torch.softmax(top_logits, dim=-1), indices""",
        "indices_by_expert_id": """
            top_logits, indices = router_logits.topk(k, dim=-1)
            indices, order = indices.sort(dim=-1)
            return torch.softmax(top_logits.gather(-1, order), dim=-1), indices""",
        "float32_weights": """
            top_logits, indices = router_logits.float().topk(k, dim=-1)
            return torch.softmax(top_logits, dim=-1), indices""",
        "in_place_shift": """
            router_logits -= router_logits.max(dim=-1, keepdim=True).values
            top_logits, indices = router_logits.topk(k, dim=-1)
            return torch.softmax(top_logits, dim=-1), indices""",
        "int32_indices": """
            top_logits, indices = router_logits.topk(k, dim=-1)
            return torch.softmax(top_logits, dim=-1), indices.int()""",
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
        "accumulates_into_x": """
            out = x
            out.zero_()
            for e, expert in enumerate(experts):
                token_idx, slot = torch.where(indices == e)
                if len(token_idx) == 0:
                    continue
                out.index_add_(0, token_idx, expert(x[token_idx]) * weights[token_idx, slot].unsqueeze(-1))
            return out""",
        "once_per_slot": """
            out = torch.zeros_like(x)
            for j in range(indices.shape[1]):
                for e, expert in enumerate(experts):
                    token_idx = torch.where(indices[:, j] == e)[0]
                    if len(token_idx):
                        out = out.index_add(0, token_idx, expert(x[token_idx]) * weights[token_idx, j, None])
            return out""",
        "detached_weights": """
            out = torch.zeros_like(x)
            w = weights.detach()
            for e, expert in enumerate(experts):
                token_idx, slot = torch.where(indices == e)
                if len(token_idx) == 0:
                    continue
                out = out.index_add(0, token_idx, expert(x[token_idx]) * w[token_idx, slot].unsqueeze(-1))
            return out""",
        "float32_output": """
            out = torch.zeros(x.shape)
            for e, expert in enumerate(experts):
                token_idx, slot = torch.where(indices == e)
                if len(token_idx) == 0:
                    continue
                out = out.index_add(0, token_idx, (expert(x[token_idx]) * weights[token_idx, slot].unsqueeze(-1)).float())
            return out""",
        "calls_idle_experts": """
            out = torch.zeros_like(x)
            for e, expert in enumerate(experts):
                token_idx, slot = torch.where(indices == e)
                y = expert(x[token_idx]) * weights[token_idx, slot].unsqueeze(-1)
                out = out.index_add(0, token_idx, y)
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
        "float64_result": """
            counts = torch.bincount(indices.reshape(-1), minlength=num_experts)
            return counts.double() / indices.numel()""",
        "divides_by_k": """
            counts = torch.bincount(indices.reshape(-1), minlength=num_experts)
            return counts.float() / indices.shape[1]""",
        "sorts_in_place": """
            indices.sort_()
            counts = torch.bincount(indices.reshape(-1), minlength=num_experts)
            return counts.float() / indices.numel()""",
        "uniform_share_of_used": """
            used = torch.unique(indices)
            f = torch.zeros(num_experts)
            f[used] = 1.0 / len(used)
            return f""",
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
        "softmax_over_tokens": """
            f = expert_load(indices, num_experts)
            p = torch.softmax(router_logits, dim=0).mean(dim=0)
            return num_experts * (f * p).sum()""",
        "mean_not_sum": """
            f = expert_load(indices, num_experts)
            p = torch.softmax(router_logits, dim=-1).mean(dim=0)
            return num_experts * (f * p).mean()""",
        "python_float": """
            f = expert_load(indices, num_experts)
            p = torch.softmax(router_logits, dim=-1).mean(dim=0)
            return float(num_experts * (f * p).sum())""",
        "gradient_through_f_proxy": """
            probs = torch.softmax(router_logits, dim=-1)
            f = probs.mean(dim=0)
            return num_experts * (f * probs.mean(dim=0)).sum()""",
    },
}
RIGHT = {
    "q10_top_k_gating": {
        "sort_then_slice": """
            sorted_logits, order = router_logits.sort(dim=-1, descending=True)
            top = sorted_logits[:, :k]
            weights = (top - top.max(dim=-1, keepdim=True).values).exp()
            return weights / weights.sum(dim=-1, keepdim=True), order[:, :k]""",
        "softmax_all_renormalised": """
            probs = torch.softmax(router_logits.double(), dim=-1)
            p, indices = probs.topk(k, dim=-1)
            return (p / p.sum(dim=-1, keepdim=True)).to(router_logits.dtype), indices""",
    },
    "q10_moe_dispatch": {
        "masks_and_mul": """
            out = x.new_zeros(x.shape)
            for e, expert in enumerate(experts):
                gate = (weights * (indices == e)).sum(dim=-1)          # (T,): 0 for tokens not routed to e
                rows = (indices == e).any(dim=-1).nonzero().squeeze(-1)
                if rows.numel():
                    out = out.index_add(0, rows, expert(x[rows]) * gate[rows, None])
            return out""",
        "scatter_list": """
            pieces = []
            for e, expert in enumerate(experts):
                hit = indices == e
                rows = hit.any(dim=1).nonzero(as_tuple=True)[0]
                if len(rows) == 0:
                    continue
                w = (weights[rows] * hit[rows]).sum(dim=1, keepdim=True)
                pieces.append(torch.zeros_like(x).index_add(0, rows, expert(x[rows]) * w))
            return torch.stack(pieces).sum(dim=0) if pieces else torch.zeros_like(x)""",
    },
    "q10_expert_load": {
        "one_hot": """
            hot = torch.nn.functional.one_hot(indices.reshape(-1), num_experts)
            return hot.float().mean(dim=0)""",
        "loop": """
            f = torch.zeros(num_experts, device=indices.device)
            for e in range(num_experts):
                f[e] = (indices == e).sum()
            return f / indices.numel()""",
    },
    "q10_load_balancing_loss": {
        "own_counts_einsum": """
            f = torch.zeros(num_experts, dtype=router_logits.dtype, device=router_logits.device)
            f = f.index_add(0, indices.reshape(-1), torch.ones(indices.numel(), dtype=router_logits.dtype)) / indices.numel()
            p = router_logits.softmax(-1).mean(0)
            return num_experts * torch.dot(f, p)""",
        "log_softmax_exp": """
            f = expert_load(indices, num_experts).to(router_logits.dtype)
            p = torch.log_softmax(router_logits, dim=1).exp().sum(0) / router_logits.shape[0]
            return (f * p).sum() * num_experts""",
    },
}

globals().update(answer_tests(NAME, WRONG, RIGHT))
