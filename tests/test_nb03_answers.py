"""Notebook 03: each exercise's tests accept the solution and reject plausible wrong answers."""
from answers import answer_tests

NAME = "03_linear_quantization"
WRONG = {
    "q03_absmax_quantize": {
        "scale_128": """
            scale = 128 / x.abs().max()
            return torch.round(scale * x).clamp(-128, 127).to(torch.int8), scale""",
        "truncates": """
            scale = 127 / x.abs().max()
            return (scale * x).to(torch.int8), scale""",
        "returns_step": """
            scale = 127 / x.abs().max()
            return torch.round(scale * x).to(torch.int8), 1 / scale""",
        "max_not_absmax": """
            scale = 127 / x.max()
            return torch.round(scale * x).clamp(-127, 127).to(torch.int8), scale""",
    },
    "q03_zeropoint_quantize": {
        "forgot_zero_point": """
            scale = 255 / (x.max() - x.min())
            zero_point = int(torch.round(-scale * x.min()).item())
            q = torch.clamp(torch.round(scale * x), 0, 255).to(torch.uint8)
            return q, scale, zero_point""",
        "scale_256": """
            scale = 256 / (x.max() - x.min())
            zero_point = int(torch.round(-scale * x.min()).item())
            q = torch.clamp(torch.round(scale * x + zero_point), 0, 255).to(torch.uint8)
            return q, scale, zero_point""",
        "zero_point_sign": """
            scale = 255 / (x.max() - x.min())
            zero_point = int(torch.round(scale * x.min()).item())
            q = torch.clamp(torch.round(scale * x - zero_point), 0, 255).to(torch.uint8)
            return q, scale, zero_point""",
        "zero_point_truncated": """
            scale = 255 / (x.max() - x.min())
            zero_point = int((-scale * x.min()).item())
            q = torch.clamp(torch.round(scale * x + zero_point), 0, 255).to(torch.uint8)
            return q, scale, zero_point""",
    },
    "q03_quantize_per_row": {
        "per_column": """
            qmax = 2 ** (bits - 1) - 1
            scale = qmax / W.abs().amax(dim=0, keepdim=True)
            return torch.clamp(torch.round(W * scale), -qmax, qmax).to(torch.int8), scale.T[: W.shape[0]]""",
        "per_tensor": """
            qmax = 2 ** (bits - 1) - 1
            scale = (qmax / W.abs().max()).expand(W.shape[0], 1)
            return torch.clamp(torch.round(W * scale), -qmax, qmax).to(torch.int8), scale""",
        "qmax_off_by_one": """
            qmax = 2 ** (bits - 1)
            scale = qmax / W.abs().amax(dim=1, keepdim=True)
            return torch.clamp(torch.round(W * scale), -qmax, qmax - 1).to(torch.int8), scale""",
        "always_8_bits": """
            scale = 127 / W.abs().amax(dim=1, keepdim=True)
            return torch.round(W * scale).to(torch.int8), scale""",
    },
    "q03_quantize_model": {
        "per_channel_wrong_axis": """
            qmax = 2 ** (bits - 1) - 1
            count = 0
            for name, module in model.named_modules():
                if isinstance(module, torch.nn.Linear) and name not in skip:
                    W = module.weight.float()
                    absmax = W.abs().amax(dim=0, keepdim=True) if per_channel else W.abs().max()
                    module.weight.copy_(torch.clamp(torch.round(W * qmax / absmax), -qmax, qmax) * absmax / qmax)
                    count += 1
            return count""",
        "ignores_skip": """
            qmax = 2 ** (bits - 1) - 1
            count = 0
            for name, module in model.named_modules():
                if isinstance(module, torch.nn.Linear):
                    W = module.weight.float()
                    absmax = W.abs().amax(dim=1, keepdim=True) if per_channel else W.abs().max()
                    module.weight.copy_(torch.clamp(torch.round(W * qmax / absmax), -qmax, qmax) * absmax / qmax)
                    count += 1
            return count""",
        "quantizes_bias_too": """
            qmax = 2 ** (bits - 1) - 1
            count = 0
            for name, module in model.named_modules():
                if isinstance(module, torch.nn.Linear) and name not in skip:
                    for p in module.parameters():
                        W = p.float()
                        absmax = W.abs().amax(dim=-1, keepdim=True) if per_channel else W.abs().max()
                        p.copy_(torch.clamp(torch.round(W * qmax / absmax), -qmax, qmax) * absmax / qmax)
                    count += 1
            return count""",
        "always_per_channel": """
            qmax = 2 ** (bits - 1) - 1
            count = 0
            for name, module in model.named_modules():
                if isinstance(module, torch.nn.Linear) and name not in skip:
                    W = module.weight.float()
                    absmax = W.abs().amax(dim=1, keepdim=True)
                    module.weight.copy_(torch.clamp(torch.round(W * qmax / absmax), -qmax, qmax) * absmax / qmax)
                    count += 1
            return count""",
    },
    "q03_gptq_quantize": {
        "round_to_nearest": """
            qmax = 2 ** (bits - 1) - 1
            scale = qmax / W.abs().amax(dim=1, keepdim=True)
            return torch.clamp(torch.round(W * scale), -qmax, qmax) / scale""",
        "feedback_wrong_sign": """
            W = W.detach().clone().float()
            qmax = 2 ** (bits - 1) - 1
            scale = (qmax / W.abs().amax(dim=1, keepdim=True))[:, 0]
            H = H.detach().clone().float()
            H += 0.01 * H.diagonal().mean() * torch.eye(H.shape[0])
            U = torch.linalg.cholesky(torch.cholesky_inverse(torch.linalg.cholesky(H)), upper=True)
            Q = torch.zeros_like(W)
            for j in range(W.shape[1]):
                w = W[:, j]
                q = torch.clamp(torch.round(w * scale), -qmax, qmax) / scale
                Q[:, j] = q
                W[:, j + 1:] += ((w - q) / U[j, j])[:, None] * U[j, j + 1:][None, :]
            return Q""",
        "no_rounding": """
            return W.detach().clone().float()""",
        "modifies_input_and_no_clamp": """
            qmax = 2 ** (bits - 1) - 1
            scale = (qmax / W.abs().amax(dim=1, keepdim=True))[:, 0]
            H = H + 0.01 * H.diagonal().mean() * torch.eye(H.shape[0])
            U = torch.linalg.cholesky(torch.cholesky_inverse(torch.linalg.cholesky(H)), upper=True)
            Q = torch.zeros_like(W)
            for j in range(W.shape[1]):
                w = W[:, j].clone()
                q = torch.round(w * scale) / scale
                Q[:, j] = q
                W[:, j + 1:] -= ((w - q) / U[j, j])[:, None] * U[j, j + 1:][None, :]
            return Q""",
        "per_tensor_grid": """
            W = W.detach().clone().float()
            qmax = 2 ** (bits - 1) - 1
            scale = qmax / W.abs().max()
            H = H.detach().clone().float()
            H += 0.01 * H.diagonal().mean() * torch.eye(H.shape[0])
            U = torch.linalg.cholesky(torch.cholesky_inverse(torch.linalg.cholesky(H)), upper=True)
            Q = torch.zeros_like(W)
            for j in range(W.shape[1]):
                w = W[:, j]
                q = torch.clamp(torch.round(w * scale), -qmax, qmax) / scale
                Q[:, j] = q
                W[:, j + 1:] -= ((w - q) / U[j, j])[:, None] * U[j, j + 1:][None, :]
            return Q""",
    },
}


globals().update(answer_tests(NAME, WRONG, min_wrong=3))
