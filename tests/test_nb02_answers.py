"""Notebook 02: each exercise's tests reject plausible wrong answers and accept correct ones written differently."""
from answers import answer_tests

NAME = "02_downcasting"
_FIELDS = "exp_bits, frac_bits = {torch.float32: (8, 23), torch.float16: (5, 10), torch.bfloat16: (8, 7)}[dtype]"
WRONG = {
    "q02_float_bits": {
        "bf16_as_fp16_layout": """
            exp_bits, frac_bits = {torch.float32: (8, 23), torch.float16: (5, 10), torch.bfloat16: (5, 10)}[dtype]
            width = 1 + exp_bits + frac_bits
            as_int = torch.tensor([x], dtype=dtype).view(torch.int32 if width == 32 else torch.int16).item()
            bits = format(as_int & ((1 << width) - 1), f"0{width}b")
            return bits[0], bits[1:1 + exp_bits], bits[1 + exp_bits:]""",
        "no_mask_for_negatives": f"""
            {_FIELDS}
            width = 1 + exp_bits + frac_bits
            as_int = torch.tensor([x], dtype=dtype).view(torch.int32 if width == 32 else torch.int16).item()
            bits = format(abs(as_int), f"0{{width}}b")
            return bits[0], bits[1:1 + exp_bits], bits[1 + exp_bits:]""",
        "bf16_truncated_not_rounded": f"""
            {_FIELDS}
            width = 1 + exp_bits + frac_bits
            as_int = torch.tensor([x], dtype=torch.float32 if dtype == torch.bfloat16 else dtype)
            as_int = as_int.view(torch.int32 if as_int.dtype == torch.float32 else torch.int16).item()
            if dtype == torch.bfloat16:
                as_int = (as_int & 0xFFFFFFFF) >> 16
            bits = format(as_int & ((1 << width) - 1), f"0{{width}}b")
            return bits[0], bits[1:1 + exp_bits], bits[1 + exp_bits:]""",
        "fraction_off_by_one": f"""
            {_FIELDS}
            width = 1 + exp_bits + frac_bits
            as_int = torch.tensor([x], dtype=dtype).view(torch.int32 if width == 32 else torch.int16).item()
            bits = format(as_int & ((1 << width) - 1), f"0{{width}}b")
            return bits[0], bits[1:1 + exp_bits], bits[1 + exp_bits + 1:] + '0'""",
        "sign_from_comparison": f"""
            {_FIELDS}
            width = 1 + exp_bits + frac_bits
            as_int = torch.tensor([abs(x)], dtype=dtype).view(torch.int32 if width == 32 else torch.int16).item()
            bits = format(as_int, f"0{{width}}b")
            return ("1" if x < 0 else "0"), bits[1:1 + exp_bits], bits[1 + exp_bits:]""",
        "returns_a_list": f"""
            {_FIELDS}
            width = 1 + exp_bits + frac_bits
            as_int = torch.tensor([x], dtype=dtype).view(torch.int32 if width == 32 else torch.int16).item()
            bits = format(as_int & ((1 << width) - 1), f"0{{width}}b")
            return [bits[0], bits[1:1 + exp_bits], bits[1 + exp_bits:]]""",
        "stores_via_float64_struct_half": """
            import struct
            if dtype == torch.float32:
                bits = format(struct.unpack(">I", struct.pack(">f", x))[0], "032b"); e = 8
            elif dtype == torch.float16:
                bits = format(struct.unpack(">H", struct.pack(">e", min(max(x, -65504.0), 65504.0)))[0], "016b"); e = 5
            else:
                bits = format(struct.unpack(">I", struct.pack(">f", x))[0] >> 16, "016b"); e = 8
            return bits[0], bits[1:1 + e], bits[1 + e:]""",
    },
    "q02_format_limits": {
        "bias_off_by_one": """
            bias = 2 ** (exponent_bits - 1)
            return {"max": (2 - 2.0 ** -fraction_bits) * 2.0 ** bias, "tiny": 2.0 ** (1 - bias),
                    "eps": 2.0 ** -fraction_bits}""",
        "max_ignores_fraction": """
            bias = 2 ** (exponent_bits - 1) - 1
            return {"max": 2.0 ** (bias + 1), "tiny": 2.0 ** (1 - bias), "eps": 2.0 ** -fraction_bits}""",
        "eps_half_ulp": """
            bias = 2 ** (exponent_bits - 1) - 1
            return {"max": (2 - 2.0 ** -fraction_bits) * 2.0 ** bias, "tiny": 2.0 ** (1 - bias),
                    "eps": 2.0 ** -(fraction_bits + 1)}""",
        "tiny_is_subnormal": """
            bias = 2 ** (exponent_bits - 1) - 1
            return {"max": (2 - 2.0 ** -fraction_bits) * 2.0 ** bias, "tiny": 2.0 ** (1 - bias - fraction_bits),
                    "eps": 2.0 ** -fraction_bits}""",
        "integer_max": """
            bias = 2 ** (exponent_bits - 1) - 1
            return {"max": (2 ** (fraction_bits + 1) - 1) * 2 ** (bias - fraction_bits), "tiny": 2.0 ** (1 - bias),
                    "eps": 2.0 ** -fraction_bits}""",
        "no_reserved_exponent": """
            bias = 2 ** (exponent_bits - 1) - 1
            return {"max": (2 - 2.0 ** -fraction_bits) * 2.0 ** (bias + 1), "tiny": 2.0 ** (1 - bias),
                    "eps": 2.0 ** -fraction_bits}""",
        "tiny_minus_bias": """
            bias = 2 ** (exponent_bits - 1) - 1
            return {"max": (2 - 2.0 ** -fraction_bits) * 2.0 ** bias, "tiny": 2.0 ** -bias,
                    "eps": 2.0 ** -fraction_bits}""",
        "always_float32": """
            fi = torch.finfo(torch.float32)
            return {"max": float(fi.max), "tiny": float(fi.tiny), "eps": float(fi.eps)}""",
    },
    "q02_relative_error": {
        "not_normalised": """
            x = x.float()
            return (x - x.to(dtype).float()).norm().item()""",
        "mean_absolute": """
            x = x.float()
            return ((x - x.to(dtype).float()).abs().mean() / x.abs().mean()).item()""",
        "normalised_by_cast": """
            x = x.float()
            back = x.to(dtype).float()
            return ((x - back).norm() / back.norm()).item()""",
        "max_elementwise": """
            x = x.float()
            return ((x - x.to(dtype).float()).abs() / x.abs().clamp_min(1e-30)).max().item()""",
        "subtracts_in_place": """
            x = x.float()
            norm = x.norm()
            if norm == 0:
                return 0.0
            x.sub_(x.to(dtype).float())
            return (x.norm() / norm).item()""",
        "always_float16": """
            x = x.float()
            norm = x.norm()
            return 0.0 if norm == 0 else ((x - x.half().float()).norm() / norm).item()""",
        "returns_tensor": """
            x = x.float()
            norm = x.norm()
            return torch.zeros(()) if norm == 0 else (x - x.to(dtype).float()).norm() / norm""",
        "nan_for_zeros": """
            x = x.float()
            return ((x - x.to(dtype).float()).norm() / x.norm()).item()""",
        "squared_ratio": """
            x = x.float()
            norm = (x ** 2).sum()
            return 0.0 if norm == 0 else (((x - x.to(dtype).float()) ** 2).sum() / norm).item()""",
    },
    "q02_overflow_mask": {
        "compares_with_max": "return x.abs() > torch.finfo(dtype).max",
        "inf_input_counts": "return torch.isinf(x.to(dtype))",
        "positive_only": "return torch.isfinite(x) & (x.to(dtype) == float('inf'))",
        "always_float16": "return torch.isfinite(x) & torch.isinf(x.to(torch.float16))",
        "cpu_mask": """
            mask = torch.zeros(x.shape, dtype=torch.bool)
            mask[torch.isfinite(x) & torch.isinf(x.to(dtype))] = True
            return mask""",
        "nan_to_num_in_place": """
            x.nan_to_num_(nan=0.0, posinf=0.0, neginf=0.0)
            return torch.isinf(x.to(dtype))""",
        "returns_ints": "return (torch.isfinite(x) & torch.isinf(x.to(dtype))).int()",
        "flattened": "return torch.isfinite(x).flatten() & torch.isinf(x.to(dtype)).flatten()",
    },
}
RIGHT = {
    "q02_float_bits": {
        "struct_and_numpy": """
            import struct
            import numpy as np
            if dtype == torch.float32:
                word, e, width = struct.unpack(">I", struct.pack(">f", x))[0], 8, 32
            elif dtype == torch.float16:
                with np.errstate(over="ignore"):
                    word, e, width = int(np.array([x]).astype(np.float16).view(np.uint16)[0]), 5, 16
            else:
                word, e, width = torch.tensor([x], dtype=torch.bfloat16).view(torch.uint16).item(), 8, 16
            bits = bin(word)[2:].zfill(width)
            return (bits[:1], bits[1:1 + e], bits[1 + e:])""",
        "loop_over_bits": f"""
            {_FIELDS}
            width = 1 + exp_bits + frac_bits
            word = torch.tensor([x], dtype=dtype).view(torch.int32 if width == 32 else torch.int16).item() % (1 << width)
            chars = []
            for k in reversed(range(width)):
                chars.append("1" if (word >> k) & 1 else "0")
            bits = "".join(chars)
            return tuple([bits[0], bits[1:1 + exp_bits], bits[1 + exp_bits:]])""",
    },
    "q02_format_limits": {
        "ldexp": """
            import math
            bias = (1 << (exponent_bits - 1)) - 1
            max_exponent = (1 << exponent_bits) - 2 - bias
            return {"eps": math.ldexp(1.0, -fraction_bits), "tiny": math.ldexp(1.0, 1 - bias),
                    "max": math.ldexp(2.0 - math.ldexp(1.0, -fraction_bits), max_exponent)}""",
        "sum_of_fraction_bits": """
            bias = 2 ** (exponent_bits - 1) - 1
            mantissa = 1.0 + sum(2.0 ** -k for k in range(1, fraction_bits + 1))
            return dict(max=mantissa * 2.0 ** bias, tiny=2.0 ** (1 - bias), eps=1.0 / 2.0 ** fraction_bits)""",
    },
    "q02_relative_error": {
        "float64": """
            xd = x.double()
            denom = torch.linalg.vector_norm(xd)
            if denom == 0:
                return 0.0
            return float(torch.linalg.vector_norm(xd - x.to(dtype).double()) / denom)""",
        "sums_of_squares": """
            a = x.detach().flatten().float()
            b = a.to(dtype).float()
            num = ((a - b) ** 2).sum().sqrt()
            den = (a ** 2).sum().sqrt()
            return float(num / den) if den > 0 else 0.0""",
        "clone_then_in_place": """
            d = x.float().clone()
            n = d.norm().item()
            d -= x.to(dtype).float()
            return d.norm().item() / n if n else 0.0""",
    },
    "q02_overflow_mask": {
        "compare_magnitudes": """
            cast = x.to(dtype)
            return (cast.abs() == float("inf")) & (x.abs() != float("inf")) & ~x.isnan()""",
        "logical_ops": """
            return torch.logical_and(torch.isinf(x.to(dtype)), ~torch.isinf(x)) & (x == x)""",
    },
}

globals().update(answer_tests(NAME, WRONG, RIGHT))
