"""Notebook 12: each exercise's tests accept the solution and reject plausible wrong answers."""
from answers import answer_tests

NAME = "12_reframing_tasks"
WRONG = {
    "q12_span_tokens": {
        "first_piece_only": "return [i for i, (s, e) in enumerate(offsets) if e > s and s < end and e > start][:1]",
        "edge_inclusive": "return [i for i, (s, e) in enumerate(offsets) if e > s and s <= end and e >= start]",
        "exact_match_only": "return [i for i, (s, e) in enumerate(offsets) if s == start and e == end]",
        "touching_start": "return [i for i, (s, e) in enumerate(offsets) if e > s and s < end and e >= start]",
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
    },
    "q12_majority_baseline": {
        "majority_of_test": """
            top = Counter(list(test_labels)).most_common(1)[0][0]
            return float(np.mean([y == top for y in test_labels]))""",
        "share_of_majority_in_train": """
            return Counter(list(train_labels)).most_common(1)[0][1] / len(train_labels)""",
        "one_over_classes": "return 1.0 / len(set(train_labels))",
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
    },
}


globals().update(answer_tests(NAME, WRONG, min_wrong=3))
