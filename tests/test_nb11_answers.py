"""Notebook 11: each exercise's tests accept the solution and correct variants, and reject plausible wrong answers."""
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
        "last_token_only_as_input": """
            ids = input_ids
            for _ in range(max_new_tokens):
                next_token = model(ids[:, -1:]).logits[:, -1, :].argmax(dim=-1, keepdim=True)
                ids = torch.cat([ids, next_token], dim=1)
            return ids""",
        "prompt_only_as_input": """
            ids = input_ids
            for i in range(max_new_tokens):
                logits = model(input_ids).logits
                next_token = logits[:, -1, :].argmax(dim=-1, keepdim=True)
                ids = torch.cat([ids, next_token], dim=1)
            return ids""",
        "ties_to_highest_id": """
            ids = input_ids
            for _ in range(max_new_tokens):
                logits = model(ids).logits[:, -1, :]
                next_token = (logits.shape[-1] - 1 - logits.flip(-1).argmax(dim=-1, keepdim=True))
                ids = torch.cat([ids, next_token], dim=1)
            return ids""",
        "writes_into_prompt_buffer": """
            ids = input_ids
            for _ in range(max_new_tokens):
                next_token = model(ids).logits[:, -1, :].argmax(dim=-1, keepdim=True)
                ids = torch.cat([ids, next_token], dim=1)
            input_ids[:, -1] = ids[:, -1]
            return ids""",
        "drops_batch_dim": """
            ids = input_ids[0]
            for _ in range(max_new_tokens):
                ids = torch.cat([ids, model(ids[None]).logits[0, -1].argmax()[None]])
            return ids""",
    },
    "q11_draft_tokens": {
        "includes_prompt": "return greedy_decode(draft_model, input_ids, k)[0]",
        "one_extra": "return greedy_decode(draft_model, input_ids, k + 1)[0, input_ids.shape[1]:]",
        "keeps_batch_dim": "return greedy_decode(draft_model, input_ids, k)[:, input_ids.shape[1]:]",
        "repeats_first": """
            first = draft_model(input_ids).logits[0, -1].argmax()
            return first.repeat(k)""",
        "one_short": "return greedy_decode(draft_model, input_ids, max(k - 1, 0))[0, input_ids.shape[1]:]",
        "parallel_from_prompt_positions": """
            logits = draft_model(input_ids).logits[0]
            return logits[logits.shape[0] - k:].argmax(dim=-1) if k else input_ids.new_zeros(0)""",
        "stacked_list_fails_for_k0": """
            ids, out = input_ids, []
            for _ in range(k):
                t = draft_model(ids).logits[0, -1].argmax()
                out.append(t)
                ids = torch.cat([ids, t.view(1, 1)], dim=1)
            return torch.stack(out)""",
        "python_list": "return greedy_decode(draft_model, input_ids, k)[0, input_ids.shape[1]:].tolist()",
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
        "tensors_not_ints": """
            predicted = target_logits.argmax(dim=-1)
            n = 0
            while n < len(proposal) and predicted[n] == proposal[n]:
                n += 1
            return torch.tensor(n), predicted[n]""",
        "bonus_from_last_row_always": """
            predicted = target_logits.argmax(dim=-1)
            n = 0
            while n < len(proposal) and predicted[n] == proposal[n]:
                n += 1
            return n, int(predicted[-1])""",
        "shifted_rows": """
            predicted = target_logits.argmax(dim=-1)
            n = 0
            while n < len(proposal) and predicted[n + 1] == proposal[n]:
                n += 1
            return n, int(predicted[n])""",
        "list_result": """
            predicted = target_logits.argmax(dim=-1)
            n = 0
            while n < len(proposal) and predicted[n] == proposal[n]:
                n += 1
            return [n, int(predicted[n])]""",
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
        "overshoots_then_truncates": """
            while ids.shape[1] - input_ids.shape[1] < max_new_tokens:
                proposal = draft_tokens(draft_model, ids, k)
                logits = target_model(torch.cat([ids, proposal[None]], dim=1)).logits[0, ids.shape[1] - 1:]
                n, next_token = verify(proposal, logits)
                ids = torch.cat([ids, proposal[None, :n], ids.new_tensor([[next_token]])], dim=1)
                stats["drafted"] += k
                stats["accepted"] += n
                stats["target_calls"] += 1
            ids = ids[:, :input_ids.shape[1] + max_new_tokens]""",
        "replays_plain_greedy": """
            ids = greedy_decode(target_model, input_ids, max_new_tokens)
            produced = 0
            while produced < max_new_tokens:
                n_draft = min(k, max_new_tokens - produced - 1)
                proposal = draft_tokens(draft_model, ids[:, :input_ids.shape[1] + produced], n_draft) if n_draft > 0 else ids.new_zeros(0)
                truth = ids[0, input_ids.shape[1] + produced:input_ids.shape[1] + produced + n_draft]
                n = 0
                while n < n_draft and proposal[n] == truth[n]:
                    n += 1
                produced += n + 1
                stats["drafted"] += n_draft
                stats["accepted"] += n
                stats["target_calls"] += 1""",
        "counts_k_not_n_draft": """
            while ids.shape[1] - input_ids.shape[1] < max_new_tokens:
                room = max_new_tokens - (ids.shape[1] - input_ids.shape[1])
                n_draft = min(k, room - 1)
                proposal = draft_tokens(draft_model, ids, n_draft) if n_draft > 0 else ids.new_zeros(0)
                logits = target_model(torch.cat([ids, proposal[None]], dim=1)).logits[0, ids.shape[1] - 1:]
                n, next_token = verify(proposal, logits)
                ids = torch.cat([ids, proposal[None, :n], ids.new_tensor([[next_token]])], dim=1)
                stats["drafted"] += k
                stats["accepted"] += n
                stats["target_calls"] += 1""",
        "extra_target_call_per_round": """
            while ids.shape[1] - input_ids.shape[1] < max_new_tokens:
                room = max_new_tokens - (ids.shape[1] - input_ids.shape[1])
                n_draft = min(k, room - 1)
                proposal = draft_tokens(draft_model, ids, n_draft) if n_draft > 0 else ids.new_zeros(0)
                first = target_model(ids).logits[0, -1:]
                rest = target_model(torch.cat([ids, proposal[None]], dim=1)).logits[0, ids.shape[1]:]
                n, next_token = verify(proposal, torch.cat([first, rest]))
                ids = torch.cat([ids, proposal[None, :n], ids.new_tensor([[next_token]])], dim=1)
                stats["drafted"] += n_draft
                stats["accepted"] += n
                stats["target_calls"] += 1""",
        "roles_swapped": """
            while ids.shape[1] - input_ids.shape[1] < max_new_tokens:
                room = max_new_tokens - (ids.shape[1] - input_ids.shape[1])
                n_draft = min(k, room - 1)
                proposal = draft_tokens(target_model, ids, n_draft) if n_draft > 0 else ids.new_zeros(0)
                logits = draft_model(torch.cat([ids, proposal[None]], dim=1)).logits[0, ids.shape[1] - 1:]
                n, next_token = verify(proposal, logits)
                ids = torch.cat([ids, proposal[None, :n], ids.new_tensor([[next_token]])], dim=1)
                stats["drafted"] += n_draft
                stats["accepted"] += n
                stats["target_calls"] += 1""",
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
        "no_alpha_one_case": "return (1 - alpha ** (k + 1)) / (1 - alpha)",
        "infinite_draft": "return 1 / (1 - alpha) if alpha < 1 else float(k + 1)",
        "alpha_one_gives_k": """
            if alpha == 1:
                return float(k)
            return (1 - alpha ** (k + 1)) / (1 - alpha)""",
        "numpy_float": """
            import numpy as np
            return np.sum(np.float64(alpha) ** np.arange(k + 1))""",
        "rounded": "return float(round(sum(alpha ** i for i in range(k + 1))))",
    },
}
RIGHT = {
    "q11_greedy_decode": {
        "preallocated": """
            n = input_ids.shape[1]
            out = torch.cat([input_ids, input_ids.new_zeros(1, max_new_tokens)], dim=1)
            for i in range(max_new_tokens):
                out[0, n + i] = model(out[:, :n + i]).logits[0, -1].argmax()
            return out""",
        "max_indices": """
            ids = input_ids.clone()
            for _ in range(max_new_tokens):
                _, best = torch.max(model(ids).logits[0, -1], dim=-1)
                ids = torch.cat([ids, best.view(1, 1)], dim=-1)
            return ids""",
    },
    "q11_draft_tokens": {
        "own_loop": """
            ids = input_ids
            for _ in range(k):
                ids = torch.cat([ids, draft_model(ids).logits[:, -1].argmax(-1, keepdim=True)], dim=1)
            return ids[0, input_ids.shape[1]:].clone()""",
        "list_then_tensor": """
            ids, out = input_ids, []
            for _ in range(k):
                t = int(draft_model(ids).logits[0, -1].argmax())
                out.append(t)
                ids = torch.cat([ids, ids.new_tensor([[t]])], dim=1)
            return torch.tensor(out, dtype=torch.long, device=input_ids.device)""",
    },
    "q11_verify": {
        "softmax_then_cumprod": """
            predicted = torch.softmax(target_logits.float(), dim=-1).argmax(dim=-1)
            agree = (predicted[:len(proposal)] == proposal).long()
            n = int(torch.cumprod(agree, dim=0).sum())
            return n, int(predicted[n])""",
        "python_loop": """
            tokens = [int(row.argmax()) for row in target_logits]
            n = 0
            for drafted, wanted in zip(proposal.tolist(), tokens):
                if drafted != wanted:
                    break
                n += 1
            return (n, tokens[n])""",
    },
    "q11_speculative_greedy": {
        "generated_counter": """
            produced = 0
            while produced < max_new_tokens:
                n_draft = min(k, max_new_tokens - produced - 1)
                proposal = draft_tokens(draft_model, ids, n_draft) if n_draft else torch.zeros(0, dtype=torch.long, device=ids.device)
                logits = target_model(torch.cat([ids, proposal.view(1, -1)], dim=1)).logits[0, -(n_draft + 1):]
                n, nxt = verify(proposal, logits)
                ids = torch.cat([ids, proposal[:n].view(1, -1), torch.tensor([[nxt]], device=ids.device)], dim=1)
                produced += n + 1
                stats["drafted"] += n_draft
                stats["accepted"] += n
                stats["target_calls"] += 1""",
        "own_verification": """
            while ids.shape[1] < input_ids.shape[1] + max_new_tokens:
                left = input_ids.shape[1] + max_new_tokens - ids.shape[1]
                n_draft = min(k, left - 1)
                seq = ids
                for _ in range(n_draft):
                    seq = torch.cat([seq, draft_model(seq).logits[:, -1:].argmax(-1)], dim=1)
                wanted = target_model(seq).logits[0, ids.shape[1] - 1:].argmax(-1)
                drafted = seq[0, ids.shape[1]:]
                n = 0
                while n < n_draft and drafted[n] == wanted[n]:
                    n += 1
                ids = torch.cat([ids, drafted[None, :n], wanted[None, n:n + 1]], dim=1)
                stats["drafted"] += n_draft
                stats["accepted"] += n
                stats["target_calls"] += 1""",
    },
    "q11_expected_tokens": {
        "loop_sum": """
            total, p = 0.0, 1.0
            for _ in range(k + 1):
                total += p
                p *= alpha
            return total""",
        "closed_form_isclose": """
            import math
            if math.isclose(alpha, 1.0):
                return float(k + 1)
            return float((1.0 - alpha ** (k + 1)) / (1.0 - alpha))""",
    },
}

globals().update(answer_tests(NAME, WRONG, RIGHT))
