"""Notebook 04: each exercise's tests accept the solution and reject plausible wrong answers."""
from answers import answer_tests

NAME = "04_quanto"
WRONG = {
    "q04_quanto_quantize": {
        "no_calibration": """
            quantize(model, weights=weights, activations=activations, exclude=["lm_head"])
            freeze(model)
            return model""",
        "no_freeze": """
            quantize(model, weights=weights, activations=activations, exclude=["lm_head"])
            if activations is not None:
                with torch.no_grad(), Calibration():
                    for batch in calibration_batches:
                        model(input_ids=batch)
            return model""",
        "quantizes_lm_head": """
            quantize(model, weights=weights, activations=activations)
            if activations is not None:
                with torch.no_grad(), Calibration():
                    for batch in calibration_batches:
                        model(input_ids=batch)
            freeze(model)
            return model""",
        "always_qint8": """
            quantize(model, weights=qint8, activations=activations, exclude=["lm_head"])
            if activations is not None:
                with torch.no_grad(), Calibration():
                    for batch in calibration_batches:
                        model(input_ids=batch)
            freeze(model)
            return model""",
        "always_w8a8": """
            quantize(model, weights=weights, activations=qint8, exclude=["lm_head"])
            with torch.no_grad(), Calibration():
                for batch in calibration_batches:
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
    },
}


globals().update(answer_tests(NAME, WRONG, min_wrong=3))
