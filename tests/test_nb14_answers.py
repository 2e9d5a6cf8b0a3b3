"""Notebook 14: each exercise's tests accept correct answers written differently and reject plausible wrong ones."""
from answers import answer_tests

NAME = "14_shipping_on_cpu"

_Q8_HEAD = """
    x = np.asarray(x)
    if x.size % 32:
        raise ValueError("size")
    blocks = x.astype(np.float32).reshape(-1, 32)
"""
_Q8_TAIL = """
    return np.concatenate([d.astype(np.float16).view(np.uint8), q.astype(np.int8).view(np.uint8)], axis=1)"""
_ROUNDF = """
    a = np.abs(v)
    q = np.sign(v) * (np.floor(a) + np.floor(2 * (a - np.floor(a))))"""
_SCALE = """
    d = np.abs(blocks).max(axis=1, keepdims=True) / np.float32(127)
    with np.errstate(divide="ignore"):
        inv = np.where(d == 0, np.float32(0), np.float32(1) / d).astype(np.float32)
    v = blocks * inv"""

_Q4_HEAD = """
    x = np.asarray(x)
    if x.size % 32:
        raise ValueError("size")
    blocks = x.astype(np.float32).reshape(-1, 32)
    i = np.abs(blocks).argmax(axis=1)[:, None]
    d = np.take_along_axis(blocks, i, axis=1) / np.float32(-8)
    with np.errstate(divide="ignore"):
        inv = np.where(d == 0, np.float32(0), np.float32(1) / d).astype(np.float32)
"""
_Q4_PACK = """
    return np.concatenate([d.astype(np.float16).view(np.uint8), packed], axis=1)"""

WRONG = {
    "q14_q8_0_quantize": {
        "numpy_round_half_even": _Q8_HEAD + _SCALE + "\n    q = np.round(v)" + _Q8_TAIL,
        "truncates": _Q8_HEAD + _SCALE + "\n    q = np.trunc(v)" + _Q8_TAIL,
        "scale_128": _Q8_HEAD + """
    d = np.abs(blocks).max(axis=1, keepdims=True) / np.float32(128)
    with np.errstate(divide="ignore"):
        inv = np.where(d == 0, np.float32(0), np.float32(1) / d).astype(np.float32)
    v = blocks * inv""" + _ROUNDF + _Q8_TAIL,
        "divides_by_float16_scale": _Q8_HEAD + """
    d = np.abs(blocks).max(axis=1, keepdims=True) / np.float32(127)
    d16 = d.astype(np.float16).astype(np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.where(d16 == 0, np.float32(0), blocks / d16)""" + _ROUNDF + _Q8_TAIL,
        "one_scale_per_tensor": _Q8_HEAD + """
    d = np.full((blocks.shape[0], 1), np.abs(blocks).max() / np.float32(127), dtype=np.float32)
    inv = np.where(d == 0, np.float32(0), np.float32(1) / d).astype(np.float32)
    v = blocks * inv""" + _ROUNDF + _Q8_TAIL,
        "scales_input_in_place": """
    x = np.asarray(x)
    if x.size % 32:
        raise ValueError("size")
    blocks = x.reshape(-1, 32)
    d = np.abs(blocks).max(axis=1, keepdims=True) / np.float32(127)
    with np.errstate(divide="ignore"):
        inv = np.where(d == 0, np.float32(0), np.float32(1) / d).astype(np.float32)
    blocks *= inv
    v = blocks.astype(np.float32)""" + _ROUNDF + _Q8_TAIL,
        "column_blocks": """
    x = np.asarray(x)
    if x.size % 32:
        raise ValueError("size")
    blocks = x.astype(np.float32).T.reshape(-1, 32)""" + _SCALE + _ROUNDF + _Q8_TAIL,
        "scale_as_float32_bytes": _Q8_HEAD + _SCALE + _ROUNDF + """
    return np.concatenate([d.astype(np.float32).view(np.uint8), q.astype(np.int8).view(np.uint8)], axis=1)""",
        "pads_instead_of_raising": """
    x = np.asarray(x).reshape(-1)
    x = np.concatenate([x, np.zeros((-x.size) % 32, dtype=x.dtype)])
    blocks = x.astype(np.float32).reshape(-1, 32)""" + _SCALE + _ROUNDF + _Q8_TAIL,
    },
    "q14_q8_0_dequantize": {
        "unsigned_codes": """
    d = np.ascontiguousarray(blocks[:, :2]).view(np.float16).astype(np.float32)
    return (blocks[:, 2:].astype(np.float32) * d).reshape(-1)""",
        "divides": """
    d = np.ascontiguousarray(blocks[:, :2]).view(np.float16).astype(np.float32)
    return (np.ascontiguousarray(blocks[:, 2:]).view(np.int8).astype(np.float32) / d).reshape(-1)""",
        "keeps_blocks_2d": """
    d = np.ascontiguousarray(blocks[:, :2]).view(np.float16).astype(np.float32)
    return np.ascontiguousarray(blocks[:, 2:]).view(np.int8).astype(np.float32) * d""",
        "float16_result": """
    d = np.ascontiguousarray(blocks[:, :2]).view(np.float16)
    return (np.ascontiguousarray(blocks[:, 2:]).view(np.int8) * d).reshape(-1).astype(np.float16)""",
        "scale_from_last_bytes": """
    d = np.ascontiguousarray(blocks[:, 32:]).view(np.float16).astype(np.float32)
    return (np.ascontiguousarray(blocks[:, :32]).view(np.int8).astype(np.float32) * d).reshape(-1)""",
        "big_endian_scale": """
    d = np.ascontiguousarray(blocks[:, :2]).view(">f2").astype(np.float32)
    return (np.ascontiguousarray(blocks[:, 2:]).view(np.int8).astype(np.float32) * d).reshape(-1)""",
        "float64_result": """
    d = np.ascontiguousarray(blocks[:, :2]).view(np.float16).astype(np.float64)
    return (np.ascontiguousarray(blocks[:, 2:]).view(np.int8).astype(np.float64) * d).reshape(-1)""",
    },
    "q14_q4_0_quantize": {
        "positive_scale": _Q4_HEAD.replace("np.float32(-8)", "np.float32(8)") + """
    codes = np.clip(np.trunc(blocks * inv + np.float32(8.5)), 0, 15).astype(np.uint8)
    packed = codes[:, :16] | (codes[:, 16:] << np.uint8(4))""" + _Q4_PACK,
        "symmetric_absmax_over_7": """
    x = np.asarray(x)
    if x.size % 32:
        raise ValueError("size")
    blocks = x.astype(np.float32).reshape(-1, 32)
    d = np.abs(blocks).max(axis=1, keepdims=True) / np.float32(7)
    with np.errstate(divide="ignore"):
        inv = np.where(d == 0, np.float32(0), np.float32(1) / d).astype(np.float32)
    codes = np.clip(np.round(blocks * inv) + 8, 0, 15).astype(np.uint8)
    packed = codes[:, :16] | (codes[:, 16:] << np.uint8(4))""" + _Q4_PACK,
        "packs_neighbours": _Q4_HEAD + """
    codes = np.clip(np.trunc(blocks * inv + np.float32(8.5)), 0, 15).astype(np.uint8)
    packed = codes[:, 0::2] | (codes[:, 1::2] << np.uint8(4))""" + _Q4_PACK,
        "high_nibble_first": _Q4_HEAD + """
    codes = np.clip(np.trunc(blocks * inv + np.float32(8.5)), 0, 15).astype(np.uint8)
    packed = (codes[:, :16] << np.uint8(4)) | codes[:, 16:]""" + _Q4_PACK,
        "rounds_instead_of_trunc": _Q4_HEAD + """
    codes = np.clip(np.round(blocks * inv + np.float32(8)), 0, 15).astype(np.uint8)
    packed = codes[:, :16] | (codes[:, 16:] << np.uint8(4))""" + _Q4_PACK,
        "no_clip": _Q4_HEAD + """
    codes = np.trunc(blocks * inv + np.float32(8.5)).astype(np.uint8)
    packed = codes[:, :16] | (codes[:, 16:] << np.uint8(4))""" + _Q4_PACK,
        "last_on_ties": _Q4_HEAD.replace("i = np.abs(blocks).argmax(axis=1)[:, None]",
                                         "i = (31 - np.abs(blocks)[:, ::-1].argmax(axis=1))[:, None]") + """
    codes = np.clip(np.trunc(blocks * inv + np.float32(8.5)), 0, 15).astype(np.uint8)
    packed = codes[:, :16] | (codes[:, 16:] << np.uint8(4))""" + _Q4_PACK,
        "scales_input_in_place": """
    x = np.asarray(x)
    if x.size % 32:
        raise ValueError("size")
    blocks = x.reshape(-1, 32)
    i = np.abs(blocks).argmax(axis=1)[:, None]
    d = (np.take_along_axis(blocks, i, axis=1) / np.float32(-8)).astype(np.float32)
    with np.errstate(divide="ignore"):
        inv = np.where(d == 0, np.float32(0), np.float32(1) / d).astype(np.float32)
    blocks *= inv
    codes = np.clip(np.trunc(blocks.astype(np.float32) + np.float32(8.5)), 0, 15).astype(np.uint8)
    packed = codes[:, :16] | (codes[:, 16:] << np.uint8(4))""" + _Q4_PACK,
    },
    "q14_qkv_to_gguf": {
        "identity": """
    return np.array(w, copy=True)""",
        "inverse_permutation": """
    w = np.asarray(w)
    hd = w.shape[0] // (3 * n_head)
    parts = w.reshape(3, n_head, hd, *w.shape[1:])
    return np.stack([parts[0], parts[1], parts[2]], axis=1).reshape(w.shape)""",
        "weight_only": """
    w = np.asarray(w)
    per_head = w.reshape(n_head, 3, w.shape[0] // (3 * n_head), w.shape[1])
    return np.concatenate([per_head[:, i].reshape(-1, w.shape[1]) for i in range(3)], axis=0)""",
        "writes_back_in_place": """
    per_head = w.reshape(n_head, 3, w.shape[0] // (3 * n_head), *w.shape[1:])
    out = np.concatenate([per_head[:, i].reshape(-1, *w.shape[1:]) for i in range(3)], axis=0)
    w[...] = out
    return w""",
        "value_key_query": """
    w = np.asarray(w)
    per_head = w.reshape(n_head, 3, w.shape[0] // (3 * n_head), *w.shape[1:])
    return np.concatenate([per_head[:, i].reshape(-1, *w.shape[1:]) for i in (2, 1, 0)], axis=0)""",
        "n_head_and_head_dim_swapped": """
    w = np.asarray(w)
    per_head = w.reshape(w.shape[0] // (3 * n_head), 3, n_head, *w.shape[1:])
    return np.concatenate([per_head[:, i].reshape(-1, *w.shape[1:]) for i in range(3)], axis=0)""",
        "casts_to_float32": """
    w = np.asarray(w, dtype=np.float32)
    per_head = w.reshape(n_head, 3, w.shape[0] // (3 * n_head), *w.shape[1:])
    return np.concatenate([per_head[:, i].reshape(-1, *w.shape[1:]) for i in range(3)], axis=0)""",
    },
    "q14_perplexity_from_logits": {
        "no_shift": """
    logits = torch.as_tensor(logits).double()
    ids = torch.as_tensor(ids).long()
    nll = -torch.log_softmax(logits, dim=-1).gather(-1, ids[..., None]).squeeze(-1)
    return float(torch.exp(nll.mean()))""",
        "mean_of_sequence_perplexities": """
    logits = torch.as_tensor(logits).double()
    ids = torch.as_tensor(ids).long()
    nll = -torch.log_softmax(logits[:, :-1], dim=-1).gather(-1, ids[:, 1:, None]).squeeze(-1)
    return float(torch.exp(nll.mean(dim=1)).mean())""",
        "naive_softmax_in_input_dtype": """
    logits = torch.as_tensor(logits)
    ids = torch.as_tensor(ids).long()
    e = torch.exp(logits[:, :-1])
    p = (e / e.sum(-1, keepdim=True)).gather(-1, ids[:, 1:, None]).squeeze(-1)
    return float(torch.exp(-torch.log(p.double()).mean()))""",
        "log2_then_exp": """
    logits = torch.as_tensor(logits).double()
    ids = torch.as_tensor(ids).long()
    nll = -torch.log_softmax(logits[:, :-1], dim=-1).gather(-1, ids[:, 1:, None]).squeeze(-1) / np.log(2)
    return float(torch.exp(nll.mean()))""",
        "returns_tensor": """
    logits = torch.as_tensor(logits).double()
    ids = torch.as_tensor(ids).long()
    nll = -torch.log_softmax(logits[:, :-1], dim=-1).gather(-1, ids[:, 1:, None]).squeeze(-1)
    return torch.exp(nll.mean())""",
        "shifts_logits_in_place": """
    logits = torch.as_tensor(logits)
    logits -= logits.max(dim=-1, keepdim=True).values
    ids = torch.as_tensor(ids).long()
    nll = -torch.log_softmax(logits[:, :-1].double(), dim=-1).gather(-1, ids[:, 1:, None]).squeeze(-1)
    return float(torch.exp(nll.mean()))""",
        "wraps_around": """
    logits = torch.as_tensor(logits).double()
    ids = torch.as_tensor(ids).long()
    nll = -torch.log_softmax(logits, dim=-1).gather(-1, torch.roll(ids, -1, dims=1)[..., None]).squeeze(-1)
    return float(torch.exp(nll.mean()))""",
    },
}

RIGHT = {
    "q14_q8_0_quantize": {
        "block_loop_float64_rounding": """
    x = np.asarray(x)
    if x.size % 32:
        raise ValueError("Q8_0 needs a multiple of 32 values")
    out = []
    for blk in x.astype(np.float32).reshape(-1, 32):
        d = np.float32(np.abs(blk).max() / np.float32(127))
        inv = np.float32(0) if d == 0 else np.float32(1) / d
        v = (blk * inv).astype(np.float64)
        q = (np.sign(v) * np.floor(np.abs(v) + 0.5)).astype(np.int8)
        out.append(np.concatenate([np.array([d], dtype=np.float16).view(np.uint8), q.view(np.uint8)]))
    return np.stack(out)""",
        "torch": """
    x = np.asarray(x)
    if x.size % 32:
        raise ValueError("Q8_0 needs a multiple of 32 values")
    t = torch.from_numpy(x.astype(np.float32).reshape(-1, 32).copy())
    d = t.abs().amax(dim=1, keepdim=True) / 127
    inv = torch.where(d == 0, torch.zeros_like(d), 1 / d)
    v = (t * inv).double()
    q = (torch.sign(v) * torch.floor(v.abs() + 0.5)).to(torch.int8)
    return np.concatenate([d.numpy().astype(np.float16).view(np.uint8), q.numpy().view(np.uint8)], axis=1)""",
    },
    "q14_q8_0_dequantize": {
        "block_loop": """
    out = []
    for row in np.asarray(blocks):
        d = np.frombuffer(row[:2].tobytes(), dtype="<f2")[0].astype(np.float32)
        out.append(np.frombuffer(row[2:].tobytes(), dtype=np.int8).astype(np.float32) * d)
    return np.concatenate(out).astype(np.float32)""",
        "torch": """
    b = torch.from_numpy(np.array(blocks, dtype=np.uint8))
    d = b[:, :2].contiguous().view(torch.float16).float()
    q = b[:, 2:].contiguous().view(torch.int8).float()
    return (q * d).reshape(-1).numpy()""",
    },
    "q14_q4_0_quantize": {
        "block_loop": """
    x = np.asarray(x)
    if x.size % 32:
        raise ValueError("Q4_0 needs a multiple of 32 values")
    out = []
    for blk in x.astype(np.float32).reshape(-1, 32):
        m = blk[int(np.argmax(np.abs(blk)))]
        d = np.float32(m / np.float32(-8))
        inv = np.float32(0) if d == 0 else np.float32(1) / d
        codes = [min(15, max(0, int(np.trunc(np.float32(v * inv) + np.float32(8.5))))) for v in blk]
        packed = [codes[j] | (codes[j + 16] << 4) for j in range(16)]
        out.append(np.concatenate([np.array([d], dtype=np.float16).view(np.uint8), np.array(packed, dtype=np.uint8)]))
    return np.stack(out)""",
        "bit_ops": """
    x = np.asarray(x)
    if x.size % 32:
        raise ValueError("Q4_0 needs a multiple of 32 values")
    blocks = x.astype(np.float32).reshape(-1, 32)
    rows = np.arange(len(blocks))
    d = (blocks[rows, np.argmax(np.abs(blocks), axis=1)] / np.float32(-8)).astype(np.float32)[:, None]
    inv = np.divide(np.float32(1), d, out=np.zeros_like(d), where=d != 0)
    codes = np.minimum(np.maximum(np.trunc(blocks * inv + np.float32(8.5)), 0), 15).astype(np.uint8)
    packed = np.bitwise_or(codes[:, :16], np.left_shift(codes[:, 16:], 4))
    return np.hstack([d.astype(np.float16).view(np.uint8), packed])""",
    },
    "q14_qkv_to_gguf": {
        "index_list": """
    w = np.asarray(w)
    hd = w.shape[0] // (3 * n_head)
    order = [h * 3 * hd + part * hd + j for part in range(3) for h in range(n_head) for j in range(hd)]
    return w[order]""",
        "transpose": """
    w = np.asarray(w)
    hd = w.shape[0] // (3 * n_head)
    return w.reshape(n_head, 3, hd, -1).transpose(1, 0, 2, 3).reshape(w.shape).copy()""",
    },
    "q14_perplexity_from_logits": {
        "numpy_logsumexp": """
    lg = np.asarray(logits, dtype=np.float64)
    ids = np.asarray(ids)
    z = lg[:, :-1]
    m = z.max(axis=-1, keepdims=True)
    lse = m[..., 0] + np.log(np.exp(z - m).sum(axis=-1))
    picked = np.take_along_axis(z, ids[:, 1:, None], axis=-1)[..., 0]
    return float(np.exp((lse - picked).mean()))""",
        "cross_entropy_log2": """
    import torch.nn.functional as F
    lg = torch.as_tensor(logits).double()
    ids = torch.as_tensor(ids).long()
    nats = F.cross_entropy(lg[:, :-1].reshape(-1, lg.shape[-1]), ids[:, 1:].reshape(-1))
    return float(2 ** (nats / np.log(2)))""",
    },
}

globals().update(answer_tests(NAME, WRONG, RIGHT))
