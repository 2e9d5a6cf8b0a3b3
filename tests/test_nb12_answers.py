"""Notebook 12: each exercise's tests accept the solution and correct variants, and reject plausible wrong answers."""
from answers import answer_tests

NAME = "12_reframing_tasks"
WRONG = {
    "q12_span_tokens": {
        "first_piece_only": "return [i for i, (s, e) in enumerate(offsets) if e > s and s < end and e > start][:1]",
        "edge_inclusive": "return [i for i, (s, e) in enumerate(offsets) if e > s and s <= end and e >= start]",
        "exact_match_only": "return [i for i, (s, e) in enumerate(offsets) if s == start and e == end]",
        "touching_start": "return [i for i, (s, e) in enumerate(offsets) if e > s and s < end and e >= start]",
        "inside_span_only": "return [i for i, (s, e) in enumerate(offsets) if e > s and s >= start and e <= end]",
        "starts_in_span": "return [i for i, (s, e) in enumerate(offsets) if e > s and start <= s < end]",
        "keeps_empty_tokens": "return [i for i, (s, e) in enumerate(offsets) if s < end and e > start]",
        "sorted_by_start": """
            hits = [i for i, (s, e) in enumerate(offsets) if e > s and s < end and e > start]
            return sorted(hits, key=lambda i: offsets[i][0])""",
        "numpy_ints": """
            import numpy as np
            s, e = np.array(offsets).T
            return list(np.nonzero((e > s) & (s < end) & (e > start))[0])""",
    },
    "q12_mean_pool": {
        "ignores_mask": "return hidden.mean(dim=1)",
        "sum_not_mean": """
            m = mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * m).sum(dim=1)""",
        "divides_by_length": """
            m = mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * m).sum(dim=1) / hidden.shape[1]""",
        "cls_token": "return hidden[:, 0]",
        "nan_for_empty_mask": """
            m = mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * m).sum(dim=1) / m.sum(dim=1)""",
        "divides_by_batch_total": """
            m = mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * m).sum(dim=1) / m.sum() * hidden.shape[0]""",
        "in_place_masking": """
            hidden.mul_(mask.unsqueeze(-1).to(hidden.dtype))
            return hidden.sum(dim=1) / mask.sum(dim=1, keepdim=True).clamp(min=1).to(hidden.dtype)""",
        "float32_result": """
            m = mask.unsqueeze(-1).float()
            return (hidden.float() * m).sum(dim=1) / m.sum(dim=1).clamp(min=1)""",
        "normalized": """
            m = mask.unsqueeze(-1).to(hidden.dtype)
            return torch.nn.functional.normalize((hidden * m).sum(dim=1) / m.sum(dim=1).clamp(min=1), dim=-1)""",
    },
    "q12_majority_baseline": {
        "majority_of_test": """
            top = Counter(list(test_labels)).most_common(1)[0][0]
            return float(np.mean([y == top for y in test_labels]))""",
        "share_of_majority_in_train": """
            return Counter(list(train_labels)).most_common(1)[0][1] / len(train_labels)""",
        "one_over_classes": "return 1.0 / len(set(train_labels))",
        "ties_alphabetical": """
            counts = Counter(list(train_labels))
            top = min(counts, key=lambda y: (-counts[y], y))
            return float(np.mean([y == top for y in test_labels]))""",
        "ties_last_seen": """
            counts = Counter(list(train_labels))
            top = sorted(counts.items(), key=lambda kv: kv[1])[-1][0]
            return float(np.mean([y == top for y in test_labels]))""",
        "numpy_float": """
            top = Counter(list(train_labels)).most_common(1)[0][0]
            return np.mean([y == top for y in test_labels])""",
        "percent": """
            top = Counter(list(train_labels)).most_common(1)[0][0]
            return 100.0 * float(np.mean([y == top for y in test_labels]))""",
        "sorts_train_in_place": """
            train_labels.sort()
            top = Counter(list(train_labels)).most_common(1)[0][0]
            return float(np.mean([y == top for y in test_labels]))""",
    },
    "q12_static_embedding": {
        "with_special_tokens": """
            ids = tokenizer(word)["input_ids"]
            return embedding_matrix[ids].mean(dim=0)""",
        "first_piece": """
            ids = tokenizer(word, add_special_tokens=False)["input_ids"]
            return embedding_matrix[ids[0]]""",
        "sum_of_pieces": """
            ids = tokenizer(word, add_special_tokens=False)["input_ids"]
            return embedding_matrix[ids].sum(dim=0)""",
        "global_encoder_matrix": """
            ids = tokenizer(word, add_special_tokens=False)["input_ids"]
            return encoder.embeddings.word_embeddings.weight.detach()[ids].mean(dim=0)""",
        "keeps_batch_dim": """
            ids = tokenizer(word, add_special_tokens=False)["input_ids"]
            return embedding_matrix[ids].mean(dim=0, keepdim=True)""",
        "float32_result": """
            ids = tokenizer(word, add_special_tokens=False)["input_ids"]
            return embedding_matrix[ids].float().mean(dim=0)""",
        "accumulates_in_place": """
            ids = tokenizer(word, add_special_tokens=False)["input_ids"]
            v = embedding_matrix[ids[0]]
            for i in ids[1:]:
                v += embedding_matrix[i]
            return v / len(ids)""",
        "last_piece": """
            ids = tokenizer(word, add_special_tokens=False)["input_ids"]
            return embedding_matrix[ids[-1]]""",
    },
    "q12_train_and_score": {
        "train_accuracy": """
            clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
            clf.fit(X_train, y_train)
            return float(clf.score(X_train, y_train))""",
        "fit_on_test": """
            clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
            clf.fit(X_test, y_test)
            return float(clf.score(X_test, y_test))""",
        "error_rate": """
            clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
            clf.fit(X_train, y_train)
            return 1.0 - float(clf.score(X_test, y_test))""",
        "no_scaler": """
            clf = LogisticRegression(max_iter=1000).fit(X_train, y_train)
            return float(clf.score(X_test, y_test))""",
        "scaler_fitted_on_both": """
            scaler = StandardScaler().fit(np.vstack([X_train, X_test]))
            clf = LogisticRegression(max_iter=1000).fit(scaler.transform(X_train), y_train)
            return float(clf.score(scaler.transform(X_test), y_test))""",
        "scaler_fitted_on_test": """
            clf = LogisticRegression(max_iter=1000).fit(StandardScaler().fit_transform(X_train), y_train)
            return float(clf.score(StandardScaler().fit_transform(X_test), y_test))""",
        "macro_f1": """
            from sklearn.metrics import f1_score
            clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X_train, y_train)
            return float(f1_score(y_test, clf.predict(X_test), average="macro"))""",
        "balanced_accuracy": """
            from sklearn.metrics import balanced_accuracy_score
            clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X_train, y_train)
            return float(balanced_accuracy_score(y_test, clf.predict(X_test)))""",
        "other_C": """
            clf = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=1000)).fit(X_train, y_train)
            return float(clf.score(X_test, y_test))""",
        "standardizes_in_place": """
            mu, sd = X_train.mean(0), X_train.std(0)
            X_train -= mu; X_train /= sd
            X_test -= mu; X_test /= sd
            clf = LogisticRegression(max_iter=1000).fit(X_train, y_train)
            return float(clf.score(X_test, y_test))""",
        "numpy_float": """
            clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X_train, y_train)
            return np.float64(clf.score(X_test, y_test))""",
    },
}
RIGHT = {
    "q12_span_tokens": {
        "loop": """
            out = []
            for i in range(len(offsets)):
                s, e = offsets[i]
                if s == e:
                    continue
                if max(s, start) < min(e, end):
                    out.append(i)
            return out""",
        "numpy_cast": """
            import numpy as np
            arr = np.array(offsets, dtype=int).reshape(-1, 2)
            hit = (arr[:, 1] > arr[:, 0]) & (arr[:, 0] < end) & (arr[:, 1] > start)
            return [int(i) for i in np.flatnonzero(hit)]""",
    },
    "q12_mean_pool": {
        "einsum": """
            m = mask.to(hidden.dtype)
            total = torch.einsum("btd,bt->bd", hidden, m)
            return total / m.sum(dim=1, keepdim=True).clamp(min=1)""",
        "loop_per_sequence": """
            rows = []
            for h, m in zip(hidden, mask):
                keep = m.bool()
                rows.append(h[keep].mean(dim=0) if keep.any() else h.new_zeros(h.shape[-1]))
            return torch.stack(rows)""",
        "where_float64_then_back": """
            m = mask.unsqueeze(-1).bool()
            total = torch.where(m, hidden.double(), 0.0).sum(dim=1)
            return (total / m.sum(dim=1).clamp(min=1)).to(hidden.dtype)""",
    },
    "q12_majority_baseline": {
        "dict_loop": """
            counts = {}
            for y in train_labels:
                counts[y] = counts.get(y, 0) + 1
            best = max(counts.values())
            top = next(y for y in counts if counts[y] == best)
            hits = sum(1 for y in test_labels if y == top)
            return hits / len(test_labels)""",
        "list_index_ties": """
            train = list(train_labels)
            top = max(train, key=lambda y: (train.count(y), -train.index(y)))
            return float(sum(y == top for y in test_labels) / len(test_labels))""",
    },
    "q12_static_embedding": {
        "stack_rows": """
            ids = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(word))
            return torch.stack([embedding_matrix[i] for i in ids]).mean(dim=0)""",
        "index_select_on_device": """
            ids = tokenizer(word, add_special_tokens=False, return_tensors="pt")["input_ids"][0]
            return embedding_matrix.index_select(0, ids.to(embedding_matrix.device)).sum(0) / len(ids)""",
    },
    "q12_train_and_score": {
        "by_hand_accuracy": """
            from sklearn.metrics import accuracy_score
            scaler = StandardScaler().fit(X_train)
            clf = LogisticRegression(max_iter=1000).fit(scaler.transform(X_train), y_train)
            return float(accuracy_score(y_test, clf.predict(scaler.transform(X_test))))""",
        "mean_of_matches": """
            model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
            predicted = model.fit(X_train, y_train).predict(X_test)
            return float((predicted == np.asarray(y_test)).mean())""",
    },
}

globals().update(answer_tests(NAME, WRONG, RIGHT))
