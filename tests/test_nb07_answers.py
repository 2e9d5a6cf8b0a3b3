"""Notebook 07: each exercise's tests accept the solution and reject plausible wrong answers."""
from answers import answer_tests

NAME = "07_pruning"
WRONG = {
    "q07_magnitude_mask": {
        "keeps_smallest": """
            k = round(sparsity * weight.numel())
            mask = torch.ones(weight.numel(), dtype=torch.bool)
            mask[weight.abs().flatten().argsort(descending=True)[:k]] = False
            return mask.view(weight.shape)""",
        "signed_not_abs": """
            k = round(sparsity * weight.numel())
            mask = torch.ones(weight.numel(), dtype=torch.bool)
            mask[weight.flatten().argsort()[:k]] = False
            return mask.view(weight.shape)""",
        "floor_count": """
            k = int(sparsity * weight.numel())
            mask = torch.ones(weight.numel(), dtype=torch.bool)
            mask[weight.abs().flatten().argsort()[:k]] = False
            return mask.view(weight.shape)""",
        "per_row": """
            k = round(sparsity * weight.shape[1])
            mask = torch.ones_like(weight, dtype=torch.bool)
            mask.scatter_(1, weight.abs().argsort(dim=1)[:, :k], False)
            return mask""",
        "mask_is_pruned": """
            k = round(sparsity * weight.numel())
            mask = torch.zeros(weight.numel(), dtype=torch.bool)
            mask[weight.abs().flatten().argsort()[:k]] = True
            return mask.view(weight.shape)""",
    },
    "q07_global_magnitude_masks": {
        "layer_wise": "return {n: magnitude_mask(w, sparsity) for n, w in weights.items()}",
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
            thr = statistics.mean(float(w.abs().flatten().kthvalue(max(1, round(sparsity * w.numel()))).values)
                                  for w in weights.values())
            return {n: w.abs() > thr for n, w in weights.items()}""",
        "off_by_one": """
            flat = torch.cat([w.detach().abs().flatten() for w in weights.values()])
            keep = torch.ones_like(flat, dtype=torch.bool)
            keep[flat.argsort()[:round(sparsity * flat.numel()) + 1]] = False
            masks, start = {}, 0
            for name, w in weights.items():
                masks[name] = keep[start:start + w.numel()].view(w.shape)
                start += w.numel()
            return masks""",
    },
    "q07_wanda_mask": {
        "magnitude_only": """
            k = int(sparsity * weight.shape[1])
            mask = torch.ones_like(weight, dtype=torch.bool)
            mask.scatter_(1, weight.abs().argsort(dim=1)[:, :k], False)
            return mask""",
        "whole_matrix": """
            score = weight.abs() * input_norm[None, :]
            k = int(sparsity * weight.numel())
            mask = torch.ones(weight.numel(), dtype=torch.bool)
            mask[score.flatten().argsort()[:k]] = False
            return mask.view(weight.shape)""",
        "per_column": """
            score = weight.abs() * input_norm[None, :]
            k = int(sparsity * weight.shape[0])
            mask = torch.ones_like(weight, dtype=torch.bool)
            mask.scatter_(0, score.argsort(dim=0)[:k, :], False)
            return mask""",
        "squared_norm": """
            score = weight.abs() * input_norm[None, :] ** 2
            k = int(sparsity * weight.shape[1])
            mask = torch.ones_like(weight, dtype=torch.bool)
            mask.scatter_(1, score.argsort(dim=1)[:, :k], False)
            return mask""",
        "keeps_lowest": """
            score = weight.abs() * input_norm[None, :]
            k = int(sparsity * weight.shape[1])
            mask = torch.ones_like(weight, dtype=torch.bool)
            mask.scatter_(1, score.argsort(dim=1, descending=True)[:, :k], False)
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
    },
    "q07_drop_ffn_neurons": {
        "bias_not_copied": """
            up, down = mlp.dense_h_to_4h, mlp.dense_4h_to_h
            new_up = torch.nn.Linear(up.in_features, len(keep))
            new_down = torch.nn.Linear(len(keep), down.out_features)
            with torch.no_grad():
                new_up.weight.copy_(up.weight[keep])
                new_down.weight.copy_(down.weight[:, keep])
            mlp.dense_h_to_4h, mlp.dense_4h_to_h = new_up, new_down
            return mlp""",
        "down_rows_not_columns": """
            up, down = mlp.dense_h_to_4h, mlp.dense_4h_to_h
            new_up = torch.nn.Linear(up.in_features, len(keep))
            new_down = torch.nn.Linear(len(keep), down.out_features)
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
            new_up = torch.nn.Linear(up.in_features, n)
            new_down = torch.nn.Linear(n, down.out_features)
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
    },
}


globals().update(answer_tests(NAME, WRONG, min_wrong=3))
