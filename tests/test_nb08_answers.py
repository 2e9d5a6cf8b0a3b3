"""Notebook 08: each exercise's tests accept the solution and reject plausible wrong answers."""
from answers import answer_tests

NAME = "08_distillation"
WRONG = {
    "q08_soft_targets": {
        "times_temperature": "return torch.softmax(logits * temperature, dim=-1)",
        "no_temperature": "return torch.softmax(logits, dim=-1)",
        "log_probabilities": "return torch.log_softmax(logits / temperature, dim=-1)",
        "first_dimension": "return torch.softmax(logits / temperature, dim=0)",
    },
    "q08_distillation_loss": {
        "no_t_squared": """
            t = temperature
            soft = F.kl_div(F.log_softmax(student_logits / t, dim=-1), F.softmax(teacher_logits / t, dim=-1),
                            reduction="batchmean")
            return alpha * soft + (1 - alpha) * F.cross_entropy(student_logits, labels)""",
        "reversed_kl": """
            t = temperature
            soft = F.kl_div(F.log_softmax(teacher_logits.detach() / t, dim=-1), F.softmax(student_logits / t, dim=-1),
                            reduction="batchmean") * t * t
            return alpha * soft + (1 - alpha) * F.cross_entropy(student_logits, labels)""",
        "mean_reduction": """
            t = temperature
            soft = F.kl_div(F.log_softmax(student_logits / t, dim=-1), F.softmax(teacher_logits.detach() / t, dim=-1),
                            reduction="mean") * t * t
            return alpha * soft + (1 - alpha) * F.cross_entropy(student_logits, labels)""",
        "alpha_swapped": """
            t = temperature
            soft = F.kl_div(F.log_softmax(student_logits / t, dim=-1), F.softmax(teacher_logits.detach() / t, dim=-1),
                            reduction="batchmean") * t * t
            return (1 - alpha) * soft + alpha * F.cross_entropy(student_logits, labels)""",
        "probabilities_not_log": """
            t = temperature
            soft = F.kl_div(F.softmax(student_logits / t, dim=-1), F.softmax(teacher_logits.detach() / t, dim=-1),
                            reduction="batchmean") * t * t
            return alpha * soft + (1 - alpha) * F.cross_entropy(student_logits, labels)""",
        "hard_loss_at_temperature": """
            t = temperature
            soft = F.kl_div(F.log_softmax(student_logits / t, dim=-1), F.softmax(teacher_logits.detach() / t, dim=-1),
                            reduction="batchmean") * t * t
            return alpha * soft + (1 - alpha) * F.cross_entropy(student_logits / t, labels)""",
        "gradient_into_teacher": """
            t = temperature
            soft = F.kl_div(F.log_softmax(student_logits / t, dim=-1), F.softmax(teacher_logits / t, dim=-1),
                            reduction="batchmean") * t * t
            return alpha * soft + (1 - alpha) * F.cross_entropy(student_logits, labels)""",
    },
    "q08_top1_agreement": {
        "wrong_axis": "return (student_logits.argmax(0) == teacher_logits.argmax(0)).float().mean().item()",
        "count_not_share": "return float((student_logits.argmax(-1) == teacher_logits.argmax(-1)).sum())",
        "disagreement": "return 1.0 - (student_logits.argmax(-1) == teacher_logits.argmax(-1)).float().mean().item()",
        "returns_tensor": "return (student_logits.argmax(-1) == teacher_logits.argmax(-1)).float().mean()",
    },
    "q08_half_depth_copy": {
        "odd_layers": """
            student = copy.deepcopy(bert)
            student.encoder.layer = torch.nn.ModuleList(student.encoder.layer[1::2])
            student.config.num_hidden_layers = len(student.encoder.layer)
            return student""",
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
    },
}



globals().update(answer_tests(NAME, WRONG, min_wrong=3))
