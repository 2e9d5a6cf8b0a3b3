"""Notebook 09: each exercise's tests accept the solution and reject plausible wrong answers."""
from answers import answer_tests

NAME = "09_lora_qlora"
WRONG = {
    "q09_energy_rank": {
        "singular_values_not_squared": """
            cumulative = singular_values.double().cumsum(0) / singular_values.double().sum()
            return int((cumulative < threshold - 1e-12).sum().item()) + 1""",
        "off_by_one": """
            energy = singular_values.double() ** 2
            cumulative = energy.cumsum(0) / energy.sum()
            return int((cumulative < threshold - 1e-12).sum().item())""",
        "strictly_above": """
            energy = singular_values.double() ** 2
            cumulative = energy.cumsum(0) / energy.sum()
            return int((cumulative <= threshold).sum().item()) + 1""",
        "count_above_mean": "return int((singular_values > singular_values.mean()).sum().item())",
    },
    "q09_lora_linear": {
        "b_random": """
            def __init__(self, base, r=8, alpha=16):
                super().__init__()
                self.base = base
                for p in self.base.parameters():
                    p.requires_grad_(False)
                self.A = nn.Parameter(torch.randn(base.in_features, r) / r)
                self.B = nn.Parameter(torch.randn(r, base.out_features) / r)
                self.scale = alpha / r

            def forward(self, x):
                return self.base(x) + self.scale * (x @ self.A @ self.B)""",
        "base_not_frozen": """
            def __init__(self, base, r=8, alpha=16):
                super().__init__()
                self.base = base
                self.A = nn.Parameter(torch.randn(base.in_features, r) / r)
                self.B = nn.Parameter(torch.zeros(r, base.out_features))
                self.scale = alpha / r

            def forward(self, x):
                return self.base(x) + self.scale * (x @ self.A @ self.B)""",
        "scale_r_over_alpha": """
            def __init__(self, base, r=8, alpha=16):
                super().__init__()
                self.base = base
                for p in self.base.parameters():
                    p.requires_grad_(False)
                self.A = nn.Parameter(torch.randn(base.in_features, r) / r)
                self.B = nn.Parameter(torch.zeros(r, base.out_features))
                self.scale = r / alpha

            def forward(self, x):
                return self.base(x) + self.scale * (x @ self.A @ self.B)""",
        "no_scale": """
            def __init__(self, base, r=8, alpha=16):
                super().__init__()
                self.base = base
                for p in self.base.parameters():
                    p.requires_grad_(False)
                self.A = nn.Parameter(torch.randn(base.in_features, r) / r)
                self.B = nn.Parameter(torch.zeros(r, base.out_features))
                self.scale = alpha / r

            def forward(self, x):
                return self.base(x) + x @ self.A @ self.B""",
        "forgets_bias": """
            def __init__(self, base, r=8, alpha=16):
                super().__init__()
                self.base = base
                for p in self.base.parameters():
                    p.requires_grad_(False)
                self.A = nn.Parameter(torch.randn(base.in_features, r) / r)
                self.B = nn.Parameter(torch.zeros(r, base.out_features))
                self.scale = alpha / r

            def forward(self, x):
                return x @ self.base.weight.T + self.scale * (x @ self.A @ self.B)""",
    },
    "q09_add_lora": {
        "substring_match": """
            for p in model.parameters():
                p.requires_grad_(False)
            targets = [name for name, module in model.named_modules()
                       if isinstance(module, nn.Linear) and any(t in name.split(".")[-1] for t in target_names)]
            for name in targets:
                parent_name, _, child = name.rpartition(".")
                parent = model.get_submodule(parent_name) if parent_name else model
                setattr(parent, child, LoRALinear(getattr(parent, child), r=r, alpha=alpha))
            return model""",
        "does_not_freeze_rest": """
            targets = [name for name, module in model.named_modules()
                       if isinstance(module, nn.Linear) and name.split(".")[-1] in target_names]
            for name in targets:
                parent_name, _, child = name.rpartition(".")
                parent = model.get_submodule(parent_name) if parent_name else model
                setattr(parent, child, LoRALinear(getattr(parent, child), r=r, alpha=alpha))
            return model""",
        "first_target_only": """
            for p in model.parameters():
                p.requires_grad_(False)
            targets = [name for name, module in model.named_modules()
                       if isinstance(module, nn.Linear) and name.split(".")[-1] == target_names[0]]
            for name in targets:
                parent_name, _, child = name.rpartition(".")
                parent = model.get_submodule(parent_name) if parent_name else model
                setattr(parent, child, LoRALinear(getattr(parent, child), r=r, alpha=alpha))
            return model""",
        "ignores_rank": """
            for p in model.parameters():
                p.requires_grad_(False)
            targets = [name for name, module in model.named_modules()
                       if isinstance(module, nn.Linear) and name.split(".")[-1] in target_names]
            for name in targets:
                parent_name, _, child = name.rpartition(".")
                parent = model.get_submodule(parent_name) if parent_name else model
                setattr(parent, child, LoRALinear(getattr(parent, child)))
            return model""",
    },
    "q09_merge_lora": {
        "no_transpose": """
            base = layer.base
            merged = nn.Linear(base.in_features, base.out_features, bias=base.bias is not None)
            with torch.no_grad():
                merged.weight.copy_(base.weight + layer.scale * (layer.B.T @ layer.A.T).T.reshape(base.weight.shape))
                if base.bias is not None:
                    merged.bias.copy_(base.bias)
            return merged""",
        "no_scale": """
            base = layer.base
            merged = nn.Linear(base.in_features, base.out_features, bias=base.bias is not None)
            with torch.no_grad():
                merged.weight.copy_(base.weight + (layer.A @ layer.B).T)
                if base.bias is not None:
                    merged.bias.copy_(base.bias)
            return merged""",
        "drops_bias": """
            base = layer.base
            merged = nn.Linear(base.in_features, base.out_features, bias=False)
            with torch.no_grad():
                merged.weight.copy_(base.weight + layer.scale * (layer.A @ layer.B).T)
            return merged""",
        "returns_base_copy": """
            import copy as _copy
            return _copy.deepcopy(layer.base)""",
    },
}


globals().update(answer_tests(NAME, WRONG, min_wrong=2))
