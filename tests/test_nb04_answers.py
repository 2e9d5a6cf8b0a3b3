"""Notebook 04: each exercise's tests accept the solution and correct variants, and reject plausible wrong answers."""
from answers import answer_tests

NAME = "04_quanto"

_CAL = """
            if activations is not None:
                with torch.no_grad(), Calibration():
                    for batch in calibration_batches:
                        model(input_ids=batch)"""
_CAL_ALWAYS = """
            with torch.no_grad(), Calibration():
                for batch in calibration_batches:
                    model(input_ids=batch)"""

WRONG = {
    "q04_quanto_quantize": {
        "no_calibration": """
            quantize(model, weights=weights, activations=activations, exclude=["lm_head"])
            freeze(model)
            return model""",
        "no_freeze": """
            quantize(model, weights=weights, activations=activations, exclude=["lm_head"])""" + _CAL + """
            return model""",
        "quantizes_lm_head": """
            quantize(model, weights=weights, activations=activations)""" + _CAL + """
            freeze(model)
            return model""",
        "always_qint8": """
            quantize(model, weights=qint8, activations=activations, exclude=["lm_head"])""" + _CAL + """
            freeze(model)
            return model""",
        "always_w8a8": """
            quantize(model, weights=weights, activations=qint8, exclude=["lm_head"])""" + _CAL_ALWAYS + """
            freeze(model)
            return model""",
        "first_batch_only": """
            quantize(model, weights=weights, activations=activations, exclude=["lm_head"])
            if activations is not None:
                with torch.no_grad(), Calibration():
                    model(input_ids=list(calibration_batches)[0])
            freeze(model)
            return model""",
        "forward_without_calibration_context": """
            quantize(model, weights=weights, activations=activations, exclude=["lm_head"])
            if activations is not None:
                with torch.no_grad():
                    for batch in calibration_batches:
                        model(input_ids=batch)
            freeze(model)
            return model""",
        "returns_a_copy": """
            model = copy.deepcopy(model)
            quantize(model, weights=weights, activations=activations, exclude=["lm_head"])""" + _CAL + """
            freeze(model)
            return model""",
        "calibrates_weight_only_too": """
            quantize(model, weights=weights, activations=activations, exclude=["lm_head"])""" + _CAL_ALWAYS + """
            freeze(model)
            return model""",
        "last_batch_twice": """
            quantize(model, weights=weights, activations=activations, exclude=["lm_head"])
            if activations is not None:
                batches = list(calibration_batches)
                with torch.no_grad(), Calibration():
                    for batch in batches[::-1]:
                        model(input_ids=batch)
            freeze(model)
            return model""",
    },
    "q04_int8_per_channel": {
        "inverse_scale": """
            scale = 127 / W.abs().amax(dim=1, keepdim=True)
            return torch.round(W * scale).to(torch.int8), scale""",
        "per_tensor": """
            scale = (W.abs().max() / 127).expand(W.shape[0], 1)
            return torch.round(W / scale).to(torch.int8), scale""",
        "per_column": """
            scale = W.abs().amax(dim=0, keepdim=True) / 127
            return torch.round(W / scale).to(torch.int8), scale.T[: W.shape[0]]""",
        "truncates": """
            scale = W.abs().amax(dim=1, keepdim=True) / 127
            return (W / scale).to(torch.int8), scale""",
        "half_up_rounding": """
            scale = W.abs().amax(dim=1, keepdim=True) / 127
            return torch.floor(W / scale + 0.5).to(torch.int8), scale""",
        "scale_128": """
            scale = W.abs().amax(dim=1, keepdim=True) / 128
            return torch.clamp(torch.round(W / scale), -127, 127).to(torch.int8), scale""",
        "divides_input_in_place": """
            scale = W.abs().amax(dim=1, keepdim=True) / 127
            return torch.round(W.div_(scale)).to(torch.int8), scale""",
        "scale_always_float32": """
            scale = W.float().abs().amax(dim=1, keepdim=True) / 127
            return torch.round(W.float() / scale).to(torch.int8), scale""",
        "flat_scale": """
            scale = W.abs().amax(dim=1) / 127
            return torch.round(W / scale[:, None]).to(torch.int8), scale""",
        "scale_on_cpu": """
            scale = (W.abs().amax(dim=1, keepdim=True) / 127).cpu()
            return torch.round(W.cpu() / scale).to(torch.int8), scale""",
    },
    "q04_storage_bytes": {
        "wrapper_size": """
            seen, total = set(), 0
            for t in list(model.parameters()) + list(model.buffers()):
                if id(t) not in seen:
                    seen.add(id(t))
                    total += t.numel() * t.element_size()
            return total""",
        "data_only": """
            def nbytes(t):
                if hasattr(t, "__tensor_flatten__"):
                    return nbytes(getattr(t, t.__tensor_flatten__()[0][0]))
                return t.numel() * t.element_size()
            seen, total = set(), 0
            for t in list(model.parameters()) + list(model.buffers()):
                if id(t) not in seen:
                    seen.add(id(t))
                    total += nbytes(t)
            return total""",
        "no_recursion_into_packed": """
            def nbytes(t):
                if hasattr(t, "__tensor_flatten__"):
                    return sum(getattr(t, n).numel() * getattr(t, n).element_size() for n in t.__tensor_flatten__()[0])
                return t.numel() * t.element_size()
            seen, total = set(), 0
            for t in list(model.parameters()) + list(model.buffers()):
                if id(t) not in seen:
                    seen.add(id(t))
                    total += nbytes(t)
            return total""",
        "tied_counted_twice": """
            def nbytes(t):
                if hasattr(t, "__tensor_flatten__"):
                    return sum(nbytes(getattr(t, n)) for n in t.__tensor_flatten__()[0])
                return t.numel() * t.element_size()
            return sum(nbytes(t) for t in list(model.parameters(remove_duplicate=False)) + list(model.buffers()))""",
        "no_buffers": """
            def nbytes(t):
                if hasattr(t, "__tensor_flatten__"):
                    return sum(nbytes(getattr(t, n)) for n in t.__tensor_flatten__()[0])
                return t.numel() * t.element_size()
            return sum(nbytes(t) for t in model.parameters())""",
        "dedupe_by_data_ptr": """
            def nbytes(t):
                if hasattr(t, "__tensor_flatten__"):
                    return sum(nbytes(getattr(t, n)) for n in t.__tensor_flatten__()[0])
                return t.numel() * t.element_size()
            def key(t):
                if hasattr(t, "__tensor_flatten__"):
                    return key(getattr(t, t.__tensor_flatten__()[0][0]))
                return t.data_ptr()
            seen, total = set(), 0
            for t in list(model.parameters()) + list(model.buffers()):
                if key(t) not in seen:
                    seen.add(key(t))
                    total += nbytes(t)
            return total""",
        "four_bytes_each": """
            def nbytes(t):
                if hasattr(t, "__tensor_flatten__"):
                    return sum(getattr(t, n).numel() * getattr(t, n).element_size() if not hasattr(getattr(t, n), "__tensor_flatten__") else nbytes(getattr(t, n)) for n in t.__tensor_flatten__()[0])
                return t.numel() * 4
            seen, total = set(), 0
            for t in list(model.parameters()) + list(model.buffers()):
                if id(t) not in seen:
                    seen.add(id(t))
                    total += nbytes(t)
            return total""",
        "returns_float": """
            def nbytes(t):
                if hasattr(t, "__tensor_flatten__"):
                    return sum(nbytes(getattr(t, n)) for n in t.__tensor_flatten__()[0])
                return t.numel() * t.element_size()
            unique = {id(t): t for t in list(model.parameters()) + list(model.buffers())}
            return float(sum(nbytes(t) for t in unique.values()))""",
        "dedupe_by_value": """
            def nbytes(t):
                if hasattr(t, "__tensor_flatten__"):
                    return sum(nbytes(getattr(t, n)) for n in t.__tensor_flatten__()[0])
                return t.numel() * t.element_size()
            seen, total = [], 0
            for t in list(model.parameters()) + list(model.buffers()):
                plain_t = t.dequantize() if hasattr(t, "dequantize") else t.detach()
                if plain_t.is_meta or not any(s.shape == plain_t.shape and torch.equal(s, plain_t) for s in seen):
                    seen.append(plain_t)
                    total += nbytes(t)
            return total""",
    },
    "q04_int8_linear": {
        "int8_accumulator": """
            return (x_q @ w_q.T).float() * x_scale * w_scale.reshape(1, -1)""",
        "int16_accumulator": """
            return (x_q.to(torch.int16) @ w_q.to(torch.int16).T).float() * x_scale * w_scale.reshape(1, -1)""",
        "forgot_x_scale": """
            return (x_q.to(torch.int32) @ w_q.to(torch.int32).T).float() * w_scale.reshape(1, -1)""",
        "w_scale_per_row_of_x": """
            acc = (x_q.to(torch.int32) @ w_q.to(torch.int32).T).float() * x_scale
            return acc * w_scale.reshape(-1)[: acc.shape[0]].reshape(-1, 1)""",
        "float64_output": """
            acc = x_q.to(torch.int32) @ w_q.to(torch.int32).T
            return acc.double() * x_scale * w_scale.reshape(1, -1).double()""",
        "scales_in_place": """
            w_scale.mul_(x_scale)
            return (x_q.to(torch.int32) @ w_q.to(torch.int32).T).float() * w_scale.reshape(1, -1).float()""",
        "rounds_result": """
            acc = x_q.to(torch.int32) @ w_q.to(torch.int32).T
            return torch.round(acc.float() * x_scale * w_scale.reshape(1, -1).float())""",
        "keeps_w_scale_dtype": """
            acc = x_q.to(torch.int32) @ w_q.to(torch.int32).T
            return acc.float() * x_scale * w_scale.reshape(1, -1)""",
        "x_scale_must_be_tensor": """
            acc = x_q.to(torch.int32) @ w_q.to(torch.int32).T
            return acc.float() * x_scale.float() * w_scale.reshape(1, -1).float()""",
        "output_buffer_on_cpu": """
            out = torch.zeros(x_q.shape[0], w_q.shape[0])
            out += (x_q.to(torch.int32) @ w_q.to(torch.int32).T).float().to(out.device)
            return out * x_scale * w_scale.reshape(1, -1).float().to(out.device)""",
    },
}

RIGHT = {
    "q04_quanto_quantize": {
        "device_from_buffers_and_list": """
            quantize(model, weights=weights, activations=activations, exclude="lm_head")
            if activations is not None:
                device = model.transformer.word_embeddings.weight.device
                with Calibration(), torch.inference_mode(False), torch.no_grad():
                    for batch in list(calibration_batches):
                        model.forward(input_ids=batch.to(device))
            freeze(model)
            return model""",
        "early_return_weight_only": """
            quantize(model, weights=weights, activations=activations, exclude=["lm_head"])
            if activations is None:
                freeze(model)
                return model
            with torch.no_grad():
                with Calibration():
                    for batch in iter(calibration_batches):
                        model(input_ids=batch.to(next(model.parameters()).device))
            freeze(model)
            return model""",
    },
    "q04_int8_per_channel": {
        "max_of_abs_with_values": """
            step = torch.max(torch.abs(W), dim=1, keepdim=True).values / 127.0
            codes = (W / step).round().clamp(min=-127, max=127)
            return codes.to(dtype=torch.int8), step""",
        "row_loop": """
            rows, steps = [], []
            for row in W:
                s = row.abs().max() / 127
                rows.append(torch.clamp(torch.round(row / s), -127, 127).to(torch.int8))
                steps.append(s.reshape(1))
            return torch.stack(rows), torch.stack(steps)""",
    },
    "q04_storage_bytes": {
        "explicit_stack": """
            unique = {}
            for t in model.parameters():
                unique[id(t)] = t
            for t in model.buffers():
                unique[id(t)] = t
            total, stack = 0, list(unique.values())
            while stack:
                t = stack.pop()
                if hasattr(t, "__tensor_flatten__"):
                    stack.extend(getattr(t, name) for name in t.__tensor_flatten__()[0])
                else:
                    total += t.numel() * t.element_size()
            return int(total)""",
        "named_with_dedupe": """
            def size(t):
                inner = getattr(t, "__tensor_flatten__", None)
                if inner is None:
                    return t.nelement() * t.element_size()
                return sum(size(getattr(t, n)) for n in inner()[0])
            tensors = [p for _, p in model.named_parameters()] + [b for _, b in model.named_buffers()]
            ids = []
            for t in tensors:
                if all(t is not u for u in ids):
                    ids.append(t)
            return sum(size(t) for t in ids)""",
    },
    "q04_int8_linear": {
        "einsum": """
            acc = torch.einsum("ik,jk->ij", x_q.int(), w_q.int())
            return acc.to(torch.float32) * float(x_scale) * w_scale.to(torch.float32).T""",
        "scale_first_then_float": """
            acc = torch.matmul(x_q.to(torch.int32), w_q.to(torch.int32).t())
            scales = torch.as_tensor(x_scale, dtype=torch.float32) * w_scale.to(torch.float32).view(1, -1)
            return acc.to(torch.float32) * scales.to(acc.device)""",
    },
}

globals().update(answer_tests(NAME, WRONG, RIGHT))
