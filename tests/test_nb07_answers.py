"""Notebook 07: each exercise's tests accept the solution and correct alternatives, and reject plausible wrong answers."""
from answers import answer_tests

NAME = "07_pruning"
WRONG = {
    "q07_magnitude_mask": {
        "keeps_smallest": """
            k = round(sparsity * weight.numel())
            mask = torch.ones(weight.numel(), dtype=torch.bool, device=weight.device)
            mask[weight.abs().flatten().argsort(descending=True)[:k]] = False
            return mask.view(weight.shape)""",
        "signed_not_abs": """
            k = round(sparsity * weight.numel())
            mask = torch.ones(weight.numel(), dtype=torch.bool, device=weight.device)
            mask[weight.flatten().argsort()[:k]] = False
            return mask.view(weight.shape)""",
        "floor_count": """
            k = int(sparsity * weight.numel())
            mask = torch.ones(weight.numel(), dtype=torch.bool, device=weight.device)
            mask[weight.abs().flatten().argsort()[:k]] = False
            return mask.view(weight.shape)""",
        "per_row": """
            k = round(sparsity * weight.shape[1])
            mask = torch.ones_like(weight, dtype=torch.bool)
            mask.scatter_(1, weight.abs().argsort(dim=1)[:, :k], False)
            return mask""",
        "mask_is_pruned": """
            k = round(sparsity * weight.numel())
            mask = torch.zeros(weight.numel(), dtype=torch.bool, device=weight.device)
            mask[weight.abs().flatten().argsort()[:k]] = True
            return mask.view(weight.shape)""",
        "abs_in_place": """
            k = round(sparsity * weight.numel())
            mask = torch.ones(weight.numel(), dtype=torch.bool, device=weight.device)
            mask[weight.abs_().flatten().argsort()[:k]] = False
            return mask.view(weight.shape)""",
        "cpu_mask": """
            k = round(sparsity * weight.numel())
            mask = torch.ones(weight.numel(), dtype=torch.bool)
            mask[weight.abs().flatten().argsort()[:k].cpu()] = False
            return mask.view(weight.shape)""",
        "threshold_removes_all_ties": """
            k = round(sparsity * weight.numel())
            if k == 0:
                return torch.ones_like(weight, dtype=torch.bool)
            thr = weight.abs().flatten().kthvalue(k).values
            return weight.abs() > thr""",
        "float_mask": """
            k = round(sparsity * weight.numel())
            mask = torch.ones(weight.numel(), device=weight.device)
            mask[weight.abs().flatten().argsort()[:k]] = 0.0
            return mask.view(weight.shape)""",
        "view_needs_contiguous": """
            k = round(sparsity * weight.numel())
            mask = torch.ones(weight.numel(), dtype=torch.bool, device=weight.device)
            mask[weight.view(-1).abs().argsort()[:k]] = False
            return mask.view(weight.shape)""",
    },
    "q07_global_magnitude_masks": {
        "layer_wise": """
            out = {}
            for n, w in weights.items():
                k = round(sparsity * w.numel())
                m = torch.ones(w.numel(), dtype=torch.bool, device=w.device)
                m[w.detach().abs().flatten().argsort()[:k]] = False
                out[n] = m.view(w.shape)
            return out""",
        "signed_not_abs": """
            flat = torch.cat([w.detach().flatten() for w in weights.values()])
            keep = torch.ones_like(flat, dtype=torch.bool)
            keep[flat.argsort()[:round(sparsity * flat.numel())]] = False
            masks, start = {}, 0
            for name, w in weights.items():
                masks[name] = keep[start:start + w.numel()].view(w.shape)
                start += w.numel()
            return masks""",
        "mean_layer_threshold": """
            import statistics
            thr = statistics.mean(float(w.detach().abs().flatten().kthvalue(max(1, round(sparsity * w.numel()))).values)
                                  for w in weights.values())
            return {n: w.detach().abs() > thr for n, w in weights.items()}""",
        "off_by_one": """
            flat = torch.cat([w.detach().abs().flatten() for w in weights.values()])
            keep = torch.ones_like(flat, dtype=torch.bool)
            keep[flat.argsort()[:round(sparsity * flat.numel()) + 1]] = False
            masks, start = {}, 0
            for name, w in weights.items():
                masks[name] = keep[start:start + w.numel()].view(w.shape)
                start += w.numel()
            return masks""",
        "sorted_keys": """
            flat = torch.cat([weights[n].detach().abs().flatten() for n in sorted(weights)])
            keep = torch.ones_like(flat, dtype=torch.bool)
            keep[flat.argsort()[:round(sparsity * flat.numel())]] = False
            masks, start = {}, 0
            for name in sorted(weights):
                w = weights[name]
                masks[name] = keep[start:start + w.numel()].view(w.shape)
                start += w.numel()
            return masks""",
        "threshold_removes_all_ties": """
            flat = torch.cat([w.detach().abs().flatten() for w in weights.values()])
            k = round(sparsity * flat.numel())
            thr = flat.kthvalue(k).values if k else flat.min() - 1
            return {n: w.detach().abs() > thr for n, w in weights.items()}""",
        "in_place_abs": """
            flat = torch.cat([w.detach().abs_().flatten() for w in weights.values()])
            keep = torch.ones_like(flat, dtype=torch.bool)
            keep[flat.argsort()[:round(sparsity * flat.numel())]] = False
            masks, start = {}, 0
            for name, w in weights.items():
                masks[name] = keep[start:start + w.numel()].view(w.shape)
                start += w.numel()
            return masks""",
        "floor_count": """
            flat = torch.cat([w.detach().abs().flatten() for w in weights.values()])
            keep = torch.ones_like(flat, dtype=torch.bool)
            keep[flat.argsort()[:int(sparsity * flat.numel())]] = False
            masks, start = {}, 0
            for name, w in weights.items():
                masks[name] = keep[start:start + w.numel()].view(w.shape)
                start += w.numel()
            return masks""",
    },
    "q07_wanda_mask": {
        "magnitude_only": """
            k = round(sparsity * weight.shape[1])
            mask = torch.ones_like(weight, dtype=torch.bool)
            mask.scatter_(1, weight.abs().argsort(dim=1)[:, :k], False)
            return mask""",
        "whole_matrix": """
            score = weight.abs() * input_norm.to(weight.device)[None, :]
            k = round(sparsity * weight.numel())
            mask = torch.ones(weight.numel(), dtype=torch.bool, device=weight.device)
            mask[score.flatten().argsort()[:k]] = False
            return mask.view(weight.shape)""",
        "per_column": """
            score = weight.abs() * input_norm.to(weight.device)[None, :]
            k = round(sparsity * weight.shape[0])
            mask = torch.ones_like(weight, dtype=torch.bool)
            mask.scatter_(0, score.argsort(dim=0)[:k, :], False)
            return mask""",
        "squared_norm": """
            score = weight.abs() * input_norm.to(weight.device)[None, :] ** 2
            k = round(sparsity * weight.shape[1])
            mask = torch.ones_like(weight, dtype=torch.bool)
            mask.scatter_(1, score.argsort(dim=1)[:, :k], False)
            return mask""",
        "keeps_lowest": """
            score = weight.abs() * input_norm.to(weight.device)[None, :]
            k = round(sparsity * weight.shape[1])
            mask = torch.ones_like(weight, dtype=torch.bool)
            mask.scatter_(1, score.argsort(dim=1, descending=True)[:, :k], False)
            return mask""",
        "floor_count": """
            score = weight.abs() * input_norm.to(weight.device)[None, :]
            k = int(sparsity * weight.shape[1])
            mask = torch.ones_like(weight, dtype=torch.bool)
            mask.scatter_(1, score.argsort(dim=1)[:, :k], False)
            return mask""",
        "norm_not_moved": """
            score = weight.abs() * input_norm[None, :]
            k = round(sparsity * weight.shape[1])
            mask = torch.ones_like(weight, dtype=torch.bool)
            mask.scatter_(1, score.argsort(dim=1)[:, :k], False)
            return mask""",
        "weight_moved_to_cpu": """
            score = weight.cpu().abs() * input_norm.cpu()[None, :]
            k = round(sparsity * weight.shape[1])
            mask = torch.ones(weight.shape, dtype=torch.bool)
            mask.scatter_(1, score.argsort(dim=1)[:, :k], False)
            return mask""",
        "scales_weight_in_place": """
            score = weight.abs_().mul_(input_norm.to(weight.device)[None, :])
            k = round(sparsity * weight.shape[1])
            mask = torch.ones_like(weight, dtype=torch.bool)
            mask.scatter_(1, score.argsort(dim=1)[:, :k], False)
            return mask""",
        "signed_score": """
            score = weight * input_norm.to(weight.device)[None, :]
            k = round(sparsity * weight.shape[1])
            mask = torch.ones_like(weight, dtype=torch.bool)
            mask.scatter_(1, score.argsort(dim=1)[:, :k], False)
            return mask""",
    },
    "q07_two_four_mask": {
        "keeps_smallest": """
            groups = scores.reshape(scores.shape[0], -1, 4)
            mask = torch.zeros_like(groups, dtype=torch.bool)
            mask.scatter_(2, groups.topk(2, dim=2, largest=False).indices, True)
            return mask.reshape(scores.shape)""",
        "strided_groups": """
            groups = scores.reshape(scores.shape[0], 4, -1)
            mask = torch.zeros_like(groups, dtype=torch.bool)
            mask.scatter_(1, groups.topk(2, dim=1).indices, True)
            return mask.reshape(scores.shape)""",
        "half_of_row": """
            k = scores.shape[1] // 2
            mask = torch.zeros_like(scores, dtype=torch.bool)
            mask.scatter_(1, scores.topk(k, dim=1).indices, True)
            return mask""",
        "float_mask": """
            groups = scores.reshape(scores.shape[0], -1, 4)
            mask = torch.zeros_like(groups)
            mask.scatter_(2, groups.topk(2, dim=2).indices, 1.0)
            return mask.reshape(scores.shape)""",
        "largest_absolute": """
            groups = scores.reshape(scores.shape[0], -1, 4).abs()
            mask = torch.zeros_like(groups, dtype=torch.bool)
            mask.scatter_(2, groups.topk(2, dim=2).indices, True)
            return mask.reshape(scores.shape)""",
        "groups_down_columns": """
            groups = scores.t().reshape(scores.shape[1], -1, 4)
            mask = torch.zeros_like(groups, dtype=torch.bool)
            mask.scatter_(2, groups.topk(2, dim=2).indices, True)
            return mask.reshape(scores.shape[1], scores.shape[0]).t()""",
        "threshold_ties_keep_all": """
            groups = scores.reshape(scores.shape[0], -1, 4)
            second = groups.topk(2, dim=2).values[..., 1:]
            return (groups >= second).reshape(scores.shape)""",
        "cpu_mask": """
            groups = scores.reshape(scores.shape[0], -1, 4)
            mask = torch.zeros(groups.shape, dtype=torch.bool)
            mask.scatter_(2, groups.topk(2, dim=2).indices.cpu(), True)
            return mask.reshape(scores.shape)""",
        "sorts_in_place": """
            groups = scores.reshape(scores.shape[0], -1, 4)
            order = groups.argsort(dim=2, descending=True)
            groups.copy_(groups.gather(2, order))
            mask = torch.zeros_like(groups, dtype=torch.bool)
            mask.scatter_(2, order[..., :2], True)
            return mask.reshape(scores.shape)""",
    },
    "q07_drop_ffn_neurons": {
        "bias_not_copied": """
            up, down = mlp.dense_h_to_4h, mlp.dense_4h_to_h
            new_up = torch.nn.Linear(up.in_features, len(keep), device=up.weight.device, dtype=up.weight.dtype)
            new_down = torch.nn.Linear(len(keep), down.out_features, device=down.weight.device, dtype=down.weight.dtype)
            with torch.no_grad():
                new_up.weight.copy_(up.weight[keep])
                new_down.weight.copy_(down.weight[:, keep])
            mlp.dense_h_to_4h, mlp.dense_4h_to_h = new_up, new_down
            return mlp""",
        "down_rows_not_columns": """
            up, down = mlp.dense_h_to_4h, mlp.dense_4h_to_h
            new_up = torch.nn.Linear(up.in_features, len(keep), device=up.weight.device, dtype=up.weight.dtype)
            new_down = torch.nn.Linear(len(keep), down.out_features, device=down.weight.device, dtype=down.weight.dtype)
            with torch.no_grad():
                new_up.weight.copy_(up.weight[keep])
                new_up.bias.copy_(up.bias[keep])
                new_down.weight.copy_(down.weight[:down.out_features, :len(keep)])
                new_down.bias.copy_(down.bias)
            mlp.dense_h_to_4h, mlp.dense_4h_to_h = new_up, new_down
            return mlp""",
        "first_neurons": """
            up, down = mlp.dense_h_to_4h, mlp.dense_4h_to_h
            n = len(keep)
            new_up = torch.nn.Linear(up.in_features, n, device=up.weight.device, dtype=up.weight.dtype)
            new_down = torch.nn.Linear(n, down.out_features, device=down.weight.device, dtype=down.weight.dtype)
            with torch.no_grad():
                new_up.weight.copy_(up.weight[:n])
                new_up.bias.copy_(up.bias[:n])
                new_down.weight.copy_(down.weight[:, :n])
                new_down.bias.copy_(down.bias)
            mlp.dense_h_to_4h, mlp.dense_4h_to_h = new_up, new_down
            return mlp""",
        "zeroed_not_removed": """
            drop = torch.ones(mlp.dense_h_to_4h.out_features, dtype=torch.bool)
            drop[keep] = False
            with torch.no_grad():
                mlp.dense_4h_to_h.weight[:, drop] = 0.0
            return mlp""",
        "returns_a_copy": """
            mlp = copy.deepcopy(mlp)
            up, down = mlp.dense_h_to_4h, mlp.dense_4h_to_h
            new_up = torch.nn.Linear(up.in_features, len(keep), device=up.weight.device, dtype=up.weight.dtype)
            new_down = torch.nn.Linear(len(keep), down.out_features, device=down.weight.device, dtype=down.weight.dtype)
            with torch.no_grad():
                new_up.weight.copy_(up.weight[keep])
                new_up.bias.copy_(up.bias[keep])
                new_down.weight.copy_(down.weight[:, keep])
                new_down.bias.copy_(down.bias)
            mlp.dense_h_to_4h, mlp.dense_4h_to_h = new_up, new_down
            return mlp""",
        "default_dtype": """
            up, down = mlp.dense_h_to_4h, mlp.dense_4h_to_h
            new_up = torch.nn.Linear(up.in_features, len(keep), device=up.weight.device)
            new_down = torch.nn.Linear(len(keep), down.out_features, device=down.weight.device)
            with torch.no_grad():
                new_up.weight.copy_(up.weight[keep])
                new_up.bias.copy_(up.bias[keep])
                new_down.weight.copy_(down.weight[:, keep])
                new_down.bias.copy_(down.bias)
            mlp.dense_h_to_4h, mlp.dense_4h_to_h = new_up, new_down
            return mlp""",
        "cpu_layers": """
            up, down = mlp.dense_h_to_4h, mlp.dense_4h_to_h
            new_up = torch.nn.Linear(up.in_features, len(keep), dtype=up.weight.dtype)
            new_down = torch.nn.Linear(len(keep), down.out_features, dtype=down.weight.dtype)
            with torch.no_grad():
                new_up.weight.copy_(up.weight[keep])
                new_up.bias.copy_(up.bias[keep])
                new_down.weight.copy_(down.weight[:, keep])
                new_down.bias.copy_(down.bias)
            mlp.dense_h_to_4h, mlp.dense_4h_to_h = new_up, new_down
            return mlp""",
        "down_bias_sliced": """
            up, down = mlp.dense_h_to_4h, mlp.dense_4h_to_h
            new_up = torch.nn.Linear(up.in_features, len(keep), device=up.weight.device, dtype=up.weight.dtype)
            new_down = torch.nn.Linear(len(keep), down.out_features, device=down.weight.device, dtype=down.weight.dtype)
            with torch.no_grad():
                new_up.weight.copy_(up.weight[keep])
                new_up.bias.copy_(up.bias[keep])
                new_down.weight.copy_(down.weight[:, keep])
                new_down.bias.zero_()
                new_down.bias[:len(keep)].copy_(down.bias[:len(keep)])
            mlp.dense_h_to_4h, mlp.dense_4h_to_h = new_up, new_down
            return mlp""",
        "sorts_keep_in_place": """
            keep.copy_(keep.sort().values)
            up, down = mlp.dense_h_to_4h, mlp.dense_4h_to_h
            new_up = torch.nn.Linear(up.in_features, len(keep), device=up.weight.device, dtype=up.weight.dtype)
            new_down = torch.nn.Linear(len(keep), down.out_features, device=down.weight.device, dtype=down.weight.dtype)
            with torch.no_grad():
                new_up.weight.copy_(up.weight[keep])
                new_up.bias.copy_(up.bias[keep])
                new_down.weight.copy_(down.weight[:, keep])
                new_down.bias.copy_(down.bias)
            mlp.dense_h_to_4h, mlp.dense_4h_to_h = new_up, new_down
            return mlp""",
    },
}

RIGHT = {
    "q07_magnitude_mask": {
        "topk_keep_largest": """
            n = weight.numel()
            keep = n - round(sparsity * n)
            mask = torch.zeros(n, dtype=torch.bool, device=weight.device)
            if keep:
                mask[weight.detach().reshape(-1).abs().float().topk(keep).indices] = True
            return mask.reshape(weight.shape)""",
        "stable_sort_in_float64": """
            a = weight.detach().double().abs().flatten()
            k = round(sparsity * a.numel())
            order = torch.sort(a, stable=True).indices
            mask = torch.ones_like(a, dtype=torch.bool)
            mask[order[:k]] = False
            return mask.reshape(weight.shape)""",
        "kthvalue_then_ties": """
            a = weight.detach().abs().double().reshape(-1)
            k = round(sparsity * a.numel())
            if k == 0:
                return torch.ones_like(weight, dtype=torch.bool)
            thr = a.sort().values[k - 1]
            mask = a > thr
            tied = (a == thr).nonzero().flatten()
            n_tied_drop = k - int((a < thr).sum())
            mask[tied[n_tied_drop:]] = True
            return mask.reshape(weight.shape)""",
    },
    "q07_global_magnitude_masks": {
        "loop_with_offsets": """
            names = list(weights)
            sizes = [weights[n].numel() for n in names]
            flat = torch.cat([weights[n].detach().double().abs().reshape(-1) for n in names])
            k = round(sparsity * flat.numel())
            drop = torch.sort(flat, stable=True).indices[:k]
            keep = torch.ones(flat.numel(), dtype=torch.bool, device=flat.device)
            keep[drop] = False
            out, offset = {}, 0
            for n, size in zip(names, sizes):
                out[n] = keep[offset:offset + size].reshape(weights[n].shape).clone()
                offset += size
            return out""",
        "topk_keep_and_split": """
            flat = torch.cat([w.detach().reshape(-1).abs() for w in weights.values()])
            n_keep = flat.numel() - round(sparsity * flat.numel())
            keep = torch.zeros(flat.numel(), dtype=torch.bool, device=flat.device)
            if n_keep:
                keep[flat.topk(n_keep).indices] = True
            parts = keep.split([w.numel() for w in weights.values()])
            return {n: p.reshape(w.shape) for (n, w), p in zip(weights.items(), parts)}""",
    },
    "q07_wanda_mask": {
        "loop_over_rows": """
            norm = input_norm.to(weight.device).double()
            k = round(sparsity * weight.shape[1])
            mask = torch.ones(weight.shape, dtype=torch.bool, device=weight.device)
            for r in range(weight.shape[0]):
                score = weight[r].detach().double().abs() * norm
                mask[r, score.sort(stable=True).indices[:k]] = False
            return mask""",
        "topk_keep": """
            score = weight.detach().float().abs() * input_norm.float().to(weight.device)
            n_keep = weight.shape[1] - round(sparsity * weight.shape[1])
            mask = torch.zeros(weight.shape, dtype=torch.bool, device=weight.device)
            mask.scatter_(1, score.topk(n_keep, dim=1).indices, True)
            return mask""",
    },
    "q07_two_four_mask": {
        "loop_over_groups": """
            mask = torch.zeros(scores.shape, dtype=torch.bool, device=scores.device)
            if scores.device.type == "meta":
                return mask
            for r in range(scores.shape[0]):
                for c in range(0, scores.shape[1], 4):
                    best = scores[r, c:c + 4].double().argsort(descending=True, stable=True)[:2]
                    mask[r, c + best] = True
            return mask""",
        "second_largest_threshold_then_ties": """
            g = scores.detach().double().reshape(scores.shape[0], -1, 4)
            order = g.argsort(dim=2, descending=True, stable=True)
            rank = order.argsort(dim=2)
            return (rank < 2).reshape(scores.shape)""",
    },
    "q07_drop_ffn_neurons": {
        "index_select_and_replace": """
            keep = keep.to(mlp.dense_h_to_4h.weight.device)
            up, down = mlp.dense_h_to_4h, mlp.dense_4h_to_h
            factory = dict(device=up.weight.device, dtype=up.weight.dtype)
            new_up, new_down = torch.nn.Linear(up.in_features, keep.numel(), **factory), torch.nn.Linear(keep.numel(), down.out_features, **factory)
            new_up.weight = torch.nn.Parameter(up.weight.detach().index_select(0, keep).clone())
            new_up.bias = torch.nn.Parameter(up.bias.detach().index_select(0, keep).clone())
            new_down.weight = torch.nn.Parameter(down.weight.detach().index_select(1, keep).clone())
            new_down.bias = torch.nn.Parameter(down.bias.detach().clone())
            mlp.dense_h_to_4h = new_up
            mlp.dense_4h_to_h = new_down
            return mlp""",
        "setattr_with_state_dict": """
            up, down = mlp.dense_h_to_4h, mlp.dense_4h_to_h
            idx = keep.tolist()
            new_up = torch.nn.Linear(up.in_features, len(idx)).to(up.weight.device, up.weight.dtype)
            new_down = torch.nn.Linear(len(idx), down.out_features).to(down.weight.device, down.weight.dtype)
            new_up.load_state_dict({"weight": up.weight[idx], "bias": up.bias[idx]}, assign=up.weight.device.type == "meta")
            new_down.load_state_dict({"weight": down.weight[:, idx], "bias": down.bias}, assign=down.weight.device.type == "meta")
            setattr(mlp, "dense_h_to_4h", new_up)
            setattr(mlp, "dense_4h_to_h", new_down)
            return mlp""",
    },
}

globals().update(answer_tests(NAME, WRONG, RIGHT))
