"""Notebook 11: each exercise's tests accept the solution and reject plausible wrong answers."""
from answers import answer_tests

NAME = "11_speculative_decoding"
WRONG = {
    "q11_greedy_decode": {
        "first_position_logits": """
            ids = input_ids
            for _ in range(max_new_tokens):
                next_token = model(ids).logits[:, 0, :].argmax(dim=-1, keepdim=True)
                ids = torch.cat([ids, next_token], dim=1)
            return ids""",
        "one_token_short": """
            ids = input_ids
            for _ in range(max_new_tokens - 1):
                next_token = model(ids).logits[:, -1, :].argmax(dim=-1, keepdim=True)
                ids = torch.cat([ids, next_token], dim=1)
            return ids""",
        "new_tokens_only": """
            ids = input_ids
            for _ in range(max_new_tokens):
                next_token = model(ids).logits[:, -1, :].argmax(dim=-1, keepdim=True)
                ids = torch.cat([ids, next_token], dim=1)
            return ids[:, input_ids.shape[1]:]""",
        "repeats_first_prediction": """
            next_token = model(input_ids).logits[:, -1, :].argmax(dim=-1, keepdim=True)
            return torch.cat([input_ids] + [next_token] * max_new_tokens, dim=1)""",
    },
    "q11_draft_tokens": {
        "includes_prompt": "return greedy_decode(draft_model, input_ids, k)[0]",
        "one_extra": "return greedy_decode(draft_model, input_ids, k + 1)[0, input_ids.shape[1]:]",
        "keeps_batch_dim": "return greedy_decode(draft_model, input_ids, k)[:, input_ids.shape[1]:]",
        "repeats_first": """
            first = draft_model(input_ids).logits[0, -1].argmax()
            return first.repeat(k)""",
    },
    "q11_verify": {
        "counts_all_matches": """
            predicted = target_logits.argmax(dim=-1)
            n = int((predicted[:len(proposal)] == proposal).sum())
            return n, int(predicted[n])""",
        "next_from_draft": """
            predicted = target_logits.argmax(dim=-1)
            n = 0
            while n < len(proposal) and predicted[n] == proposal[n]:
                n += 1
            return n, int(proposal[n]) if n < len(proposal) else int(predicted[n])""",
        "off_by_one_row": """
            predicted = target_logits.argmax(dim=-1)
            n = 0
            while n < len(proposal) and predicted[n] == proposal[n]:
                n += 1
            return n, int(predicted[max(n - 1, 0)])""",
        "accept_everything": """
            predicted = target_logits.argmax(dim=-1)
            return len(proposal), int(predicted[len(proposal)])""",
    },
    "q11_speculative_greedy": {
        "no_verification": """
            while ids.shape[1] - input_ids.shape[1] < max_new_tokens:
                room = max_new_tokens - (ids.shape[1] - input_ids.shape[1])
                n_draft = min(k, room)
                proposal = draft_tokens(draft_model, ids, n_draft)
                ids = torch.cat([ids, proposal[None]], dim=1)
                stats["drafted"] += n_draft
                stats["accepted"] += n_draft
                stats["target_calls"] += 1""",
        "drops_target_token": """
            while ids.shape[1] - input_ids.shape[1] < max_new_tokens:
                room = max_new_tokens - (ids.shape[1] - input_ids.shape[1])
                n_draft = min(k, room - 1)
                proposal = draft_tokens(draft_model, ids, n_draft) if n_draft > 0 else ids.new_zeros(0)
                logits = target_model(torch.cat([ids, proposal[None]], dim=1)).logits[0, ids.shape[1] - 1:]
                n, next_token = verify(proposal, logits)
                ids = torch.cat([ids, proposal[None, :n]] + ([ids.new_tensor([[next_token]])] if n == 0 else []), dim=1)
                stats["drafted"] += n_draft
                stats["accepted"] += n
                stats["target_calls"] += 1""",
        "logits_shifted": """
            while ids.shape[1] - input_ids.shape[1] < max_new_tokens:
                room = max_new_tokens - (ids.shape[1] - input_ids.shape[1])
                n_draft = min(k, room - 1)
                proposal = draft_tokens(draft_model, ids, n_draft) if n_draft > 0 else ids.new_zeros(0)
                logits = target_model(torch.cat([ids, proposal[None]], dim=1)).logits[0, ids.shape[1]:]
                logits = torch.cat([logits, logits[-1:]], dim=0)
                n, next_token = verify(proposal, logits)
                ids = torch.cat([ids, proposal[None, :n], ids.new_tensor([[next_token]])], dim=1)
                stats["drafted"] += n_draft
                stats["accepted"] += n
                stats["target_calls"] += 1""",
        "overshoots_then_truncates_wrong_stats": """
            while ids.shape[1] - input_ids.shape[1] < max_new_tokens:
                proposal = draft_tokens(draft_model, ids, k)
                logits = target_model(torch.cat([ids, proposal[None]], dim=1)).logits[0, ids.shape[1] - 1:]
                n, next_token = verify(proposal, logits)
                ids = torch.cat([ids, proposal[None, :n], ids.new_tensor([[next_token]])], dim=1)
                stats["drafted"] += k
                stats["accepted"] += n
                stats["target_calls"] += 1
            ids = ids[:, :input_ids.shape[1] + max_new_tokens]""",
    },
    "q11_expected_tokens": {
        "alpha_to_k": """
            if alpha == 1:
                return float(k)
            return (1 - alpha ** k) / (1 - alpha)""",
        "linear": "return 1 + alpha * k",
        "accepted_only": """
            if alpha == 1:
                return float(k)
            return (1 - alpha ** (k + 1)) / (1 - alpha) - 1""",
    },
}


globals().update(answer_tests(NAME, WRONG, min_wrong=2))
