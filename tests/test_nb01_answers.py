"""Notebook 01: each exercise's tests accept the solution and reject plausible wrong answers."""
from answers import answer_tests

NAME = "01_parameter_counting"
WRONG = {
    "q01_embedding_params": {
        "no_layernorm": """
            h = config.hidden_size
            return (config.vocab_size + config.max_position_embeddings + config.type_vocab_size) * h""",
        "no_token_types": """
            h = config.hidden_size
            return (config.vocab_size + config.max_position_embeddings) * h + 2 * h""",
        "layernorm_scale_only": """
            h = config.hidden_size
            return (config.vocab_size + config.max_position_embeddings + config.type_vocab_size) * h + h""",
        "hardcoded_bert_base": "return 23_837_184",
    },
    "q01_encoder_layer_params": {
        "no_biases": """
            h, i = config.hidden_size, config.intermediate_size
            return 4 * h * h + 2 * h * i + 4 * h""",
        "no_layernorms": """
            h, i = config.hidden_size, config.intermediate_size
            return 4 * (h * h + h) + (h * i + i) + (i * h + h)""",
        "qkv_only": """
            h, i = config.hidden_size, config.intermediate_size
            return 3 * (h * h + h) + (h * i + i) + (i * h + h) + 4 * h""",
        "hardcoded_bert_base": "return 7_087_872",
    },
    "q01_bert_params": {
        "no_pooler": "return embedding_params(config) + config.num_hidden_layers * encoder_layer_params(config)",
        "pooler_without_bias": """
            h = config.hidden_size
            return embedding_params(config) + config.num_hidden_layers * encoder_layer_params(config) + h * h""",
        "hardcoded_bert_base": "return 109_482_240",
    },
    "q01_weights_gb": {
        "bits_as_bytes": "return n_params * bits / 1e9",
        "binary_gigabytes": "return n_params * bits / 8 / 2**30",
        "rounded": "return round(n_params * bits / 8 / 1e9)",
    },
    "q01_kv_cache_bytes": {
        "all_query_heads": """
            head_dim = config.hidden_size // config.num_attention_heads
            return 2 * config.num_hidden_layers * config.num_attention_heads * head_dim * seq_len * batch_size * bytes_per_value""",
        "keys_only": """
            head_dim = config.hidden_size // config.num_attention_heads
            return config.num_hidden_layers * config.num_key_value_heads * head_dim * seq_len * batch_size * bytes_per_value""",
        "ignores_batch": """
            head_dim = config.hidden_size // config.num_attention_heads
            return 2 * config.num_hidden_layers * config.num_key_value_heads * head_dim * seq_len * bytes_per_value""",
    },
    "q01_moe_active_params": {
        "top_k_share_of_total": """
            c = model.config
            return model.num_parameters() * c.num_experts_per_tok // c.num_local_experts""",
        "two_matrix_experts": """
            c = model.config
            unused = c.num_hidden_layers * (c.num_local_experts - c.num_experts_per_tok) * 2 * c.hidden_size * c.intermediate_size
            return model.num_parameters() - unused""",
        "only_experts": """
            c = model.config
            return c.num_hidden_layers * c.num_experts_per_tok * 3 * c.hidden_size * c.intermediate_size""",
    },
}


globals().update(answer_tests(NAME, WRONG, min_wrong=2))
