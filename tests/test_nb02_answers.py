"""Notebook 02: each exercise's tests accept the solution and reject plausible wrong answers."""
from answers import answer_tests

NAME = "02_downcasting"
WRONG = {
    "q02_float_bits": {
        "bf16_as_fp16_layout": """
            exp_bits, frac_bits = {torch.float32: (8, 23), torch.float16: (5, 10), torch.bfloat16: (5, 10)}[dtype]
            width = 1 + exp_bits + frac_bits
            as_int = torch.tensor([x], dtype=dtype).view(torch.int32 if width == 32 else torch.int16).item()
            bits = format(as_int & ((1 << width) - 1), f"0{width}b")
            return bits[0], bits[1:1 + exp_bits], bits[1 + exp_bits:]""",
        "no_mask_for_negatives": """
            exp_bits, frac_bits = {torch.float32: (8, 23), torch.float16: (5, 10), torch.bfloat16: (8, 7)}[dtype]
            width = 1 + exp_bits + frac_bits
            as_int = torch.tensor([x], dtype=dtype).view(torch.int32 if width == 32 else torch.int16).item()
            bits = format(abs(as_int), f"0{width}b")
            return bits[0], bits[1:1 + exp_bits], bits[1 + exp_bits:]""",
        "bf16_truncated_not_rounded": """
            exp_bits, frac_bits = {torch.float32: (8, 23), torch.float16: (5, 10), torch.bfloat16: (8, 7)}[dtype]
            width = 1 + exp_bits + frac_bits
            as_int = torch.tensor([x], dtype=torch.float32 if dtype == torch.bfloat16 else dtype)
            as_int = as_int.view(torch.int32 if as_int.dtype == torch.float32 else torch.int16).item()
            if dtype == torch.bfloat16:
                as_int = (as_int & 0xFFFFFFFF) >> 16
            bits = format(as_int & ((1 << width) - 1), f"0{width}b")
            return bits[0], bits[1:1 + exp_bits], bits[1 + exp_bits:]""",
        "fraction_off_by_one": """
            exp_bits, frac_bits = {torch.float32: (8, 23), torch.float16: (5, 10), torch.bfloat16: (8, 7)}[dtype]
            width = 1 + exp_bits + frac_bits
            as_int = torch.tensor([x], dtype=dtype).view(torch.int32 if width == 32 else torch.int16).item()
            bits = format(as_int & ((1 << width) - 1), f"0{width}b")
            return bits[0], bits[1:1 + exp_bits], bits[1 + exp_bits + 1:] + '0'""",
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
    },
    "q02_overflow_mask": {
        "compares_with_max": "return x.abs() > torch.finfo(dtype).max",
        "inf_input_counts": "return torch.isinf(x.to(dtype))",
        "positive_only": "return torch.isfinite(x) & (x.to(dtype) == float('inf'))",
        "always_float16": "return torch.isfinite(x) & torch.isinf(x.to(torch.float16))",
    },
}


globals().update(answer_tests(NAME, WRONG, min_wrong=3))
