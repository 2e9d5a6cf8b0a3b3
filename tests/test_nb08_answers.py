"""Notebook 08: each exercise's tests accept the solution and correct alternatives, and reject plausible wrong answers."""
from answers import answer_tests

NAME = "08_distillation"
_KD = """
            t = temperature
            soft = F.kl_div(F.log_softmax(student_logits / t, dim=-1), F.softmax(teacher_logits.detach() / t, dim=-1),
                            reduction="batchmean") * t * t
            return alpha * soft + (1 - alpha) * F.cross_entropy(student_logits, labels)"""
_HALF = """
            student = copy.deepcopy(bert)
            student.encoder.layer = torch.nn.ModuleList(student.encoder.layer[::2])
            student.config.num_hidden_layers = len(student.encoder.layer)
            return student"""

WRONG = {
    "q08_soft_targets": {
        "times_temperature": "return torch.softmax(logits * temperature, dim=-1)",
        "no_temperature": "return torch.softmax(logits, dim=-1)",
        "log_probabilities": "return torch.log_softmax(logits / temperature, dim=-1)",
        "first_dimension": "return torch.softmax(logits / temperature, dim=0)",
        "divides_in_place": "return torch.softmax(logits.div_(temperature), dim=-1)",
        "unstable_exp": """
            e = torch.exp(logits / temperature)
            return e / e.sum(-1, keepdim=True)""",
        "always_float32": "return torch.softmax(logits.float() / temperature, dim=-1)",
        "normalised_over_everything": """
            z = logits / temperature
            e = torch.exp(z - z.max())
            return e / e.sum()""",
        "temperature_squared": "return torch.softmax(logits / temperature ** 2, dim=-1)",
    },
    "q08_distillation_loss": {
        "no_t_squared": _KD.replace(" * t * t", ""),
        "reversed_kl": """
            t = temperature
            soft = F.kl_div(F.log_softmax(teacher_logits.detach() / t, dim=-1), F.softmax(student_logits / t, dim=-1),
                            reduction="batchmean") * t * t
            return alpha * soft + (1 - alpha) * F.cross_entropy(student_logits, labels)""",
        "mean_reduction": _KD.replace('reduction="batchmean"', 'reduction="mean"'),
        "sum_reduction": _KD.replace('reduction="batchmean"', 'reduction="sum"'),
        "alpha_swapped": _KD.replace("return alpha * soft + (1 - alpha) *", "return (1 - alpha) * soft + alpha *"),
        "probabilities_not_log": _KD.replace("F.kl_div(F.log_softmax(", "F.kl_div(F.softmax("),
        "hard_loss_at_temperature": _KD.replace("F.cross_entropy(student_logits, labels)",
                                                "F.cross_entropy(student_logits / t, labels)"),
        "gradient_into_teacher": _KD.replace("teacher_logits.detach()", "teacher_logits"),
        "teacher_not_softened": _KD.replace("F.softmax(teacher_logits.detach() / t, dim=-1)",
                                            "F.softmax(teacher_logits.detach(), dim=-1)"),
        "divides_teacher_in_place": """
            t = temperature
            with torch.no_grad():
                teacher_logits /= t
            soft = F.kl_div(F.log_softmax(student_logits / t, dim=-1), F.softmax(teacher_logits.detach(), dim=-1),
                            reduction="batchmean") * t * t
            return alpha * soft + (1 - alpha) * F.cross_entropy(student_logits, labels)""",
        "returns_float": """
            t = temperature
            soft = F.kl_div(F.log_softmax(student_logits / t, dim=-1), F.softmax(teacher_logits.detach() / t, dim=-1),
                            reduction="batchmean") * t * t
            return float(alpha * soft + (1 - alpha) * F.cross_entropy(student_logits, labels))""",
    },
    "q08_top1_agreement": {
        "wrong_axis": "return (student_logits.argmax(0) == teacher_logits.argmax(0)).float().mean().item()",
        "count_not_share": "return float((student_logits.argmax(-1) == teacher_logits.argmax(-1)).sum())",
        "disagreement": "return 1.0 - (student_logits.argmax(-1) == teacher_logits.argmax(-1)).float().mean().item()",
        "returns_tensor": "return (student_logits.argmax(-1) == teacher_logits.argmax(-1)).float().mean()",
        "global_argmax": "return float(student_logits.argmax() == teacher_logits.argmax())",
        "first_sequence_only": "return (student_logits[0].argmax(-1) == teacher_logits[0].argmax(-1)).float().mean().item()",
        "mean_of_row_means_wrong_axis": "return (student_logits.argmax(1) == teacher_logits.argmax(1)).float().mean().item()",
        "argmin_teacher": "return (student_logits.argmax(-1) == teacher_logits.argmin(-1)).float().mean().item()",
        "rounded_percent": "return round(100 * (student_logits.argmax(-1) == teacher_logits.argmax(-1)).float().mean().item(), 1)",
    },
    "q08_half_depth_copy": {
        "odd_layers": _HALF.replace("[::2]", "[1::2]"),
        "first_half": """
            student = copy.deepcopy(bert)
            n = (len(student.encoder.layer) + 1) // 2
            student.encoder.layer = torch.nn.ModuleList(student.encoder.layer[:n])
            student.config.num_hidden_layers = n
            return student""",
        "config_not_updated": """
            student = copy.deepcopy(bert)
            student.encoder.layer = torch.nn.ModuleList(student.encoder.layer[::2])
            return student""",
        "shares_teacher_layers": """
            student = copy.deepcopy(bert)
            student.encoder.layer = torch.nn.ModuleList(bert.encoder.layer[::2])
            student.config.num_hidden_layers = len(student.encoder.layer)
            return student""",
        "modifies_teacher": """
            bert.encoder.layer = torch.nn.ModuleList(bert.encoder.layer[::2])
            bert.config.num_hidden_layers = len(bert.encoder.layer)
            return bert""",
        "shares_config": """
            layers = copy.deepcopy(bert.encoder.layer)
            student = copy.deepcopy(bert)
            student.config = bert.config
            student.encoder.layer = torch.nn.ModuleList(layers[::2])
            student.config.num_hidden_layers = len(student.encoder.layer)
            return student""",
        "fresh_embeddings": """
            cfg = copy.deepcopy(bert.config)
            cfg.num_hidden_layers = (cfg.num_hidden_layers + 1) // 2
            student = BertModel(cfg).to(device=next(bert.parameters()).device, dtype=next(bert.parameters()).dtype)
            student.encoder.layer = torch.nn.ModuleList(copy.deepcopy(bert.encoder.layer[::2]))
            return student""",
        "shares_embeddings": """
            student = copy.deepcopy(bert)
            student.embeddings = bert.embeddings
            student.encoder.layer = torch.nn.ModuleList(student.encoder.layer[::2])
            student.config.num_hidden_layers = len(student.encoder.layer)
            return student""",
        "floor_depth_in_config": """
            student = copy.deepcopy(bert)
            student.encoder.layer = torch.nn.ModuleList(student.encoder.layer[::2])
            student.config.num_hidden_layers = bert.config.num_hidden_layers // 2
            return student""",
    },
}

RIGHT = {
    "q08_soft_targets": {
        "stable_by_hand": """
            z = logits / temperature
            e = torch.exp(z - z.amax(dim=-1, keepdim=True))
            return e / e.sum(dim=-1, keepdim=True)""",
        "exp_of_log_softmax_in_float64": """
            return torch.exp(F.log_softmax(logits.double() / temperature, dim=-1)).to(logits.dtype)""",
    },
    "q08_distillation_loss": {
        "by_hand": """
            t = temperature
            log_ps = torch.log_softmax(student_logits / t, dim=-1)
            pt = torch.softmax(teacher_logits.detach() / t, dim=-1)
            kl = (pt * (torch.log(pt.clamp_min(1e-30)) - log_ps)).sum(-1).mean()
            ce = -torch.log_softmax(student_logits, dim=-1).gather(-1, labels[:, None]).squeeze(-1).mean()
            return alpha * t ** 2 * kl + (1 - alpha) * ce""",
        "log_target_kl_and_nll": """
            t = temperature
            soft = F.kl_div(F.log_softmax(student_logits / t, -1), F.log_softmax(teacher_logits / t, -1).detach(),
                            reduction="sum", log_target=True) / student_logits.shape[0]
            hard = F.nll_loss(F.log_softmax(student_logits, -1), labels)
            return soft * (alpha * t * t) + hard * (1.0 - alpha)""",
    },
    "q08_top1_agreement": {
        "loop_positions": """
            s = student_logits.reshape(-1, student_logits.shape[-1])
            t = teacher_logits.reshape(-1, teacher_logits.shape[-1])
            same = sum(int(torch.argmax(s[i]) == torch.argmax(t[i])) for i in range(s.shape[0]))
            return same / s.shape[0]""",
        "numpy": """
            import numpy as np
            s = student_logits.detach().float().cpu().numpy()
            t = teacher_logits.detach().float().cpu().numpy()
            return float(np.mean(s.argmax(-1) == t.argmax(-1)))""",
    },
    "q08_half_depth_copy": {
        "new_model_and_state_dict": """
            cfg = copy.deepcopy(bert.config)
            cfg.num_hidden_layers = len(range(0, len(bert.encoder.layer), 2))
            p = next(bert.parameters())
            student = BertModel(cfg, add_pooling_layer=bert.pooler is not None).to(device=p.device, dtype=p.dtype)
            state = {}
            for k, v in bert.state_dict().items():
                if k.startswith("encoder.layer."):
                    i = int(k.split(".")[2])
                    if i % 2:
                        continue
                    k = k.replace(f"encoder.layer.{i}.", f"encoder.layer.{i // 2}.", 1)
                state[k] = v.clone()
            student.load_state_dict(state)
            return student""",
        "deepcopy_then_delete": """
            student = copy.deepcopy(bert)
            for i in reversed(range(len(student.encoder.layer))):
                if i % 2 == 1:
                    del student.encoder.layer[i]
            student.config.num_hidden_layers = len(student.encoder.layer)
            return student""",
    },
}

globals().update(answer_tests(NAME, WRONG, RIGHT))
