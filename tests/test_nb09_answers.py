"""Notebook 09: each exercise's tests accept the solution and correct variants, and reject plausible wrong answers."""
from answers import answer_tests

NAME = "09_lora_qlora"


_FROZEN = ("self.base = base", "for p in self.base.parameters():", "    p.requires_grad_(False)")
_DEV = "dev, dt = base.weight.device, base.weight.dtype"
_A = "self.A = nn.Parameter(torch.randn(base.in_features, r, device=dev, dtype=dt) / r)"
_B = "self.B = nn.Parameter(torch.zeros(r, base.out_features, device=dev, dtype=dt))"
_S = "self.scale = alpha / r"


def _lora_init(*lines: str) -> str:
    """A LoRALinear whose __init__ body is `lines` (after super().__init__()) and whose forward is correct."""
    body = "\n".join("    " + line for line in lines)
    return f"""
def __init__(self, base, r=8, alpha=16):
    super().__init__()
{body}

def forward(self, x):
    return self.base(x) + self.scale * (x @ self.A @ self.B)"""


def _lora_forward(forward: str) -> str:
    return _lora_init(*_FROZEN, _DEV, _A, _B, _S).replace(
        "return self.base(x) + self.scale * (x @ self.A @ self.B)", forward)


def _add_lora(select: str = "isinstance(module, nn.Linear) and name.split('.')[-1] in target_names",
              freeze: str = "for p in model.parameters():\n    p.requires_grad_(False)",
              place: str = "parent_name, _, child = name.rpartition('.')\n"
                           "parent = model.get_submodule(parent_name) if parent_name else model\n"
                           "setattr(parent, child, LoRALinear(getattr(parent, child), r=r, alpha=alpha))",
              after: str = "", prefix: str = "") -> str:
    place = "\n".join("    " + line for line in place.splitlines())
    return f"""
{prefix}{freeze}
targets = [name for name, module in model.named_modules() if {select}]
for name in targets:
{place}
{after}
return model"""


def _merge(weight: str = "base.weight + layer.scale * (layer.A @ layer.B).T", bias: str = "base.bias is not None",
           make: str = "device=base.weight.device, dtype=base.weight.dtype", copy_bias: str = "merged.bias.copy_(base.bias)") -> str:
    return f"""
base = layer.base
merged = nn.Linear(base.in_features, base.out_features, bias={bias}, {make})
with torch.no_grad():
    merged.weight.copy_({weight})
    if base.bias is not None and merged.bias is not None:
        {copy_bias}
return merged"""


WRONG = {
    "q09_energy_rank": {
        "singular_values_not_squared": """
            s = torch.sort(singular_values.double(), descending=True).values
            cumulative = s.cumsum(0) / s.sum()
            return int((cumulative < threshold - 1e-9).sum().item()) + 1""",
        "off_by_one": """
            energy = torch.sort(singular_values.double(), descending=True).values ** 2
            cumulative = energy.cumsum(0) / energy.sum()
            return int((cumulative < threshold - 1e-9).sum().item())""",
        "strictly_above": """
            energy = torch.sort(singular_values.double(), descending=True).values ** 2
            cumulative = energy.cumsum(0) / energy.sum()
            return int((cumulative <= threshold).sum().item()) + 1""",
        "count_above_mean": "return int((singular_values > singular_values.mean()).sum().item())",
        "returns_tensor": """
            energy = torch.sort(singular_values.double(), descending=True).values ** 2
            cumulative = energy.cumsum(0) / energy.sum()
            return (cumulative < threshold - 1e-9).sum() + 1""",
        "squares_in_place": """
            s = singular_values
            s **= 2
            cumulative = torch.sort(s.double(), descending=True).values.cumsum(0) / s.double().sum()
            return int((cumulative < threshold - 1e-9).sum().item()) + 1""",
        "assumes_sorted": """
            energy = singular_values.double() ** 2
            if energy.sum() == 0:
                return 0
            cumulative = energy.cumsum(0) / energy.sum()
            return int((cumulative < threshold - 1e-9).sum().item()) + 1""",
        "no_energy_gives_one": """
            energy = torch.sort(singular_values.double(), descending=True).values ** 2
            cumulative = energy.cumsum(0) / energy.sum()
            return int((cumulative < threshold - 1e-9).sum().item()) + 1""",
        "squares_in_input_dtype": """
            energy = torch.sort(singular_values, descending=True).values ** 2
            if energy.numel() == 0 or energy.sum() == 0:
                return 0
            cumulative = energy.double().cumsum(0) / energy.double().sum()
            return int((cumulative < threshold - 1e-9).sum().item()) + 1""",
    },
    "q09_lora_linear": {
        "b_random": _lora_init(*_FROZEN, _DEV, _A, "self.B = nn.Parameter(torch.randn(r, base.out_features) / r)", _S),
        "a_zero_b_random": _lora_init(*_FROZEN, _DEV, "self.A = nn.Parameter(torch.zeros(base.in_features, r))",
                                      "self.B = nn.Parameter(torch.randn(r, base.out_features) / r)", _S),
        "base_not_frozen": _lora_init("self.base = base", _DEV, _A, _B, _S),
        "bias_not_frozen": _lora_init("self.base = base", "self.base.weight.requires_grad_(False)", _DEV, _A, _B, _S),
        "scale_r_over_alpha": _lora_init(*_FROZEN, _DEV, _A, _B, "self.scale = r / alpha"),
        "integer_scale": _lora_init(*_FROZEN, _DEV, _A, _B, "self.scale = alpha // r"),
        "scale_as_tensor": _lora_init(*_FROZEN, _DEV, _A, _B, "self.scale = torch.tensor(alpha / r)"),
        "a_b_not_registered": _lora_init(*_FROZEN, _DEV,
                                         "self.A = (torch.randn(base.in_features, r, dtype=dt) / r).requires_grad_()",
                                         "self.B = torch.zeros(r, base.out_features, dtype=dt).requires_grad_()", _S),
        "a_transposed": _lora_init(*_FROZEN, _DEV, "self.A = nn.Parameter(torch.randn(r, base.in_features, dtype=dt) / r)",
                                   _B, _S).replace("x @ self.A @ self.B", "x @ self.A.T @ self.B"),
        "a_std_one": _lora_init(*_FROZEN, _DEV, "self.A = nn.Parameter(torch.randn(base.in_features, r, dtype=dt))", _B, _S),
        "float32_on_cpu": _lora_init(*_FROZEN, "self.A = nn.Parameter(torch.randn(base.in_features, r) / r)",
                                     "self.B = nn.Parameter(torch.zeros(r, base.out_features))", _S
                                     ).replace("x @ self.A @ self.B", "(x.float() @ self.A @ self.B).to(x.dtype)"),
        "no_scale": _lora_forward("return self.base(x) + x @ self.A @ self.B"),
        "forgets_bias": _lora_forward("return x @ self.base.weight.T + self.scale * (x @ self.A @ self.B)"),
    },
    "q09_add_lora": {
        "substring_match": _add_lora(select="isinstance(module, nn.Linear) and any(t in name.split('.')[-1] for t in target_names)"),
        "endswith_full_name": _add_lora(select="isinstance(module, nn.Linear) and name.endswith(tuple(target_names))"),
        "does_not_freeze_rest": _add_lora(freeze=""),
        "freezes_after_wrapping": _add_lora(freeze="", after="for p in model.parameters():\n    p.requires_grad_(False)"),
        "first_target_only": _add_lora(select="isinstance(module, nn.Linear) and name.split('.')[-1] == target_names[0]"),
        "ignores_rank": _add_lora(place="parent_name, _, child = name.rpartition('.')\n"
                                        "parent = model.get_submodule(parent_name) if parent_name else model\n"
                                        "setattr(parent, child, LoRALinear(getattr(parent, child)))"),
        "dotted_setattr_on_root": _add_lora(place="setattr(model, name, LoRALinear(model.get_submodule(name), r=r, alpha=alpha))"),
        "returns_a_copy": _add_lora(prefix="model = copy.deepcopy(model)\n"),
        "first_match_only": _add_lora(after="    break").replace("for name in targets:", "for name in targets[:1]:"),
    },
    "q09_merge_lora": {
        "no_transpose": _merge(weight="base.weight + layer.scale * (layer.A @ layer.B).reshape(base.weight.shape)"),
        "no_scale": _merge(weight="base.weight + (layer.A @ layer.B).T"),
        "drops_bias": _merge(bias="False"),
        "always_bias": _merge(bias="True"),
        "returns_base_copy": """
            import copy as _copy
            return _copy.deepcopy(layer.base)""",
        "adds_into_base_in_place": """
            with torch.no_grad():
                layer.base.weight += layer.scale * (layer.A @ layer.B).T
            return layer.base""",
        "merged_in_place_then_copied": """
            base = layer.base
            with torch.no_grad():
                base.weight.add_(layer.scale * (layer.A @ layer.B).T)
            merged = nn.Linear(base.in_features, base.out_features, bias=base.bias is not None, dtype=base.weight.dtype)
            merged.load_state_dict(base.state_dict())
            return merged""",
        "float32_always": _merge(make="device=base.weight.device"),
        "on_cpu_always": _merge(make="dtype=base.weight.dtype"),
        "shares_bias": _merge(copy_bias="merged.bias = base.bias"),
    },
}

RIGHT = {
    "q09_energy_rank": {
        "python_loop": """
            values = sorted((float(v) ** 2 for v in singular_values.detach().cpu().double()), reverse=True)
            total = sum(values)
            if total == 0:
                return 0
            running = 0.0
            for r, e in enumerate(values, start=1):
                running += e
                if running / total >= threshold - 1e-9:
                    return r
            return len(values)""",
        "numpy_searchsorted": """
            import numpy as _np
            e = _np.sort(singular_values.detach().cpu().double().numpy() ** 2)[::-1]
            if e.size == 0 or e.sum() == 0:
                return 0
            share = _np.cumsum(e) / e.sum()
            return int(_np.searchsorted(share, threshold - 1e-9, side="left")) + 1""",
    },
    "q09_lora_linear": {
        "normal_init_and_einsum": """
            def __init__(self, base, r=8, alpha=16):
                super().__init__()
                base.requires_grad_(False)
                self.base = base
                w = base.weight
                self.A = nn.Parameter(torch.empty(base.in_features, r, dtype=w.dtype, device=w.device))
                nn.init.normal_(self.A, mean=0.0, std=1.0 / r)
                self.B = nn.Parameter(w.new_zeros(r, base.out_features))
                self.scale = float(alpha) / r

            def forward(self, x):
                return self.base(x) + self.scale * torch.einsum("...i,ir,ro->...o", x, self.A, self.B)""",
        "register_parameter_and_matmul_order": """
            def __init__(self, base, r=8, alpha=16):
                super().__init__()
                for p in base.parameters():
                    p.requires_grad = False
                self.base = base
                self.register_parameter("A", nn.Parameter(torch.randn(base.in_features, r).to(base.weight) / r))
                self.register_parameter("B", nn.Parameter(torch.zeros(r, base.out_features).to(base.weight)))
                self.scale = alpha / r

            def forward(self, x):
                return self.base(x) + (x @ (self.A @ self.B)) * self.scale""",
    },
    "q09_add_lora": {
        "named_children_recursion": """
            model.requires_grad_(False)
            def visit(module, prefix):
                for child_name, child in list(module.named_children()):
                    if isinstance(child, nn.Linear) and child_name in target_names:
                        setattr(module, child_name, LoRALinear(child, r=r, alpha=alpha))
                    else:
                        visit(child, prefix + child_name + ".")
            visit(model, "")
            return model""",
        "set_submodule": """
            for p in model.parameters():
                p.requires_grad_(False)
            wanted = set(target_names)
            names = [n for n, m in model.named_modules() if type(m) is nn.Linear and n.rsplit(".", 1)[-1] in wanted]
            for n in names:
                model.set_submodule(n, LoRALinear(model.get_submodule(n), r, alpha))
            return model""",
    },
    "q09_merge_lora": {
        "from_scratch_state_dict": """
            base = layer.base
            merged = nn.Linear(base.in_features, base.out_features, bias=base.bias is not None).to(base.weight)
            state = {"weight": (base.weight + layer.scale * (layer.B.T @ layer.A.T)).detach().clone()}
            if base.bias is not None:
                state["bias"] = base.bias.detach().clone()
            merged.load_state_dict(state)
            return merged""",
        "deepcopy_then_add": """
            import copy as _copy
            merged = _copy.deepcopy(layer.base)
            with torch.no_grad():
                merged.weight += layer.scale * torch.einsum("ir,ro->oi", layer.A, layer.B)
            return merged""",
    },
}

globals().update(answer_tests(NAME, WRONG, RIGHT))
