"""Notebook 01: each exercise's tests reject plausible wrong answers and accept correct ones written differently."""
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
        "in_millions": """
            h = config.hidden_size
            return ((config.vocab_size + config.max_position_embeddings + config.type_vocab_size) * h + 2 * h) / 1e6""",
        "mutates_config_to_build": """
            config.num_hidden_layers = 0          # a model with no layers: only the embeddings (and a pooler)
            with torch.device("meta"):
                m = BertModel(config, add_pooling_layer=False)
            return m.num_parameters()""",
        "type_vocab_as_one_row": """
            h = config.hidden_size
            return (config.vocab_size + config.max_position_embeddings + 1) * h + 2 * h""",
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
        "assumes_4x_intermediate": """
            h = config.hidden_size
            i = 4 * h
            return 4 * (h * h + h) + (h * i + i) + (i * h + h) + 4 * h""",
        "one_layernorm": """
            h, i = config.hidden_size, config.intermediate_size
            return 4 * (h * h + h) + (h * i + i) + (i * h + h) + 2 * h""",
        "ffn_first_bias_forgotten": """
            h, i = config.hidden_size, config.intermediate_size
            return 4 * (h * h + h) + h * i + (i * h + h) + 4 * h""",
    },
    "q01_bert_params": {
        "no_pooler": "return embedding_params(config) + config.num_hidden_layers * encoder_layer_params(config)",
        "pooler_without_bias": """
            h = config.hidden_size
            return embedding_params(config) + config.num_hidden_layers * encoder_layer_params(config) + h * h""",
        "hardcoded_bert_base": "return 109_482_240",
        "heads_for_layers": """
            h = config.hidden_size
            return embedding_params(config) + config.num_attention_heads * encoder_layer_params(config) + h * h + h""",
        "uses_the_notebook_model": "return bert.num_parameters()",
        "float_total": """
            h = config.hidden_size
            return float(embedding_params(config) + config.num_hidden_layers * encoder_layer_params(config) + h * h + h)""",
        "mutates_config": """
            config.add_pooling_layer = True
            config.num_hidden_layers = max(config.num_hidden_layers, 1)
            h = config.hidden_size
            return embedding_params(config) + config.num_hidden_layers * encoder_layer_params(config) + h * h + h""",
    },
    "q01_weights_gb": {
        "bits_as_bytes": "return n_params * bits / 1e9",
        "binary_gigabytes": "return n_params * bits / 8 / 2**30",
        "rounded": "return round(n_params * bits / 8 / 1e9)",
        "floors_bytes": "return n_params * bits // 8 / 1e9",
        "bytes_per_value_inverted": "return n_params * 8 / bits / 1e9",
        "megabytes": "return n_params * bits / 8 / 1e6",
        "whole_bits": "return n_params * int(bits) / 8 / 1e9",
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
        "counts_values_not_bytes": """
            head_dim = config.hidden_size // config.num_attention_heads
            return 2 * config.num_hidden_layers * config.num_key_value_heads * head_dim * seq_len * batch_size""",
        "head_dim_from_kv_heads": """
            head_dim = config.hidden_size // config.num_key_value_heads
            return 2 * config.num_hidden_layers * config.num_key_value_heads * head_dim * seq_len * batch_size * bytes_per_value""",
        "float_head_dim": """
            head_dim = config.hidden_size / config.num_attention_heads
            return 2 * config.num_hidden_layers * config.num_key_value_heads * head_dim * seq_len * batch_size * bytes_per_value""",
        "one_layer": """
            head_dim = config.hidden_size // config.num_attention_heads
            return 2 * config.num_key_value_heads * head_dim * seq_len * batch_size * bytes_per_value""",
        "uses_head_dim_field": """
            return 2 * config.num_hidden_layers * config.num_key_value_heads * config.head_dim * seq_len * batch_size * bytes_per_value""",
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
        "one_layer": """
            c = model.config
            return model.num_parameters() - (c.num_local_experts - c.num_experts_per_tok) * 3 * c.hidden_size * c.intermediate_size""",
        "subtracts_the_used_experts": """
            c = model.config
            return model.num_parameters() - c.num_hidden_layers * c.num_experts_per_tok * 3 * c.hidden_size * c.intermediate_size""",
        "experts_with_biases": """
            c = model.config
            expert = 3 * c.hidden_size * c.intermediate_size + 2 * c.intermediate_size + c.hidden_size
            return model.num_parameters() - c.num_hidden_layers * (c.num_local_experts - c.num_experts_per_tok) * expert""",
        "float_share": """
            c = model.config
            expert = 3 * c.hidden_size * c.intermediate_size
            experts = c.num_hidden_layers * c.num_local_experts * expert
            return model.num_parameters() - experts + experts * (c.num_experts_per_tok / c.num_local_experts)""",
        "mutates_config": """
            c = model.config
            c.num_local_experts, k = c.num_experts_per_tok, c.num_local_experts
            unused = c.num_hidden_layers * (k - c.num_experts_per_tok) * 3 * c.hidden_size * c.intermediate_size
            return model.num_parameters() - unused""",
    },
}
RIGHT = {
    "q01_embedding_params": {
        "built_on_meta": """
            from transformers.models.bert.modeling_bert import BertEmbeddings
            with torch.device("meta"):
                emb = BertEmbeddings(config)
            return sum(p.numel() for p in emb.parameters())""",
        "loop_over_parts": """
            total = 0
            for rows in (config.vocab_size, config.max_position_embeddings, config.type_vocab_size, 1, 1):
                total += rows * config.hidden_size
            return total""",
        "numpy_int": """
            import numpy as np
            rows = np.array([config.vocab_size, config.max_position_embeddings, config.type_vocab_size, 2])
            return int(rows.sum() * config.hidden_size)""",
    },
    "q01_encoder_layer_params": {
        "built_on_meta_copy": """
            from transformers.models.bert.modeling_bert import BertLayer
            with torch.device("meta"):
                layer = BertLayer(copy.deepcopy(config))
            return sum(p.numel() for p in layer.parameters())""",
        "linear_helper": """
            def linear(n_in, n_out):
                return n_in * n_out + n_out
            h, i = config.hidden_size, config.intermediate_size
            return sum([linear(h, h)] * 4) + linear(h, i) + linear(i, h) + 2 * 2 * h""",
    },
    "q01_bert_params": {
        "inline_formula": """
            h, i, L = config.hidden_size, config.intermediate_size, config.num_hidden_layers
            emb = (config.vocab_size + config.max_position_embeddings + config.type_vocab_size + 2) * h
            layer = 4 * h * h + 4 * h + 2 * h * i + i + h + 4 * h
            return emb + L * layer + h * h + h""",
        "built_on_meta": """
            with torch.device("meta"):
                m = BertModel(copy.deepcopy(config))
            return m.num_parameters()""",
        "sum_of_list": """
            parts = [embedding_params(config)] + [encoder_layer_params(config)] * config.num_hidden_layers
            parts.append(config.hidden_size * (config.hidden_size + 1))
            return sum(parts)""",
    },
    "q01_weights_gb": {
        "bytes_first": """
            n_bytes = n_params * (bits / 8)
            return float(n_bytes / 10**9)""",
        "numpy": """
            import numpy as np
            return float(np.float64(n_params) * bits / 8e9)""",
    },
    "q01_kv_cache_bytes": {
        "per_layer_loop": """
            total = 0
            for _ in range(config.num_hidden_layers):
                for _kind in ("key", "value"):
                    total += config.num_key_value_heads * (config.hidden_size // config.num_attention_heads) * seq_len
            return total * batch_size * bytes_per_value""",
        "group_ratio": """
            group = config.num_attention_heads // config.num_key_value_heads     # query heads per KV head
            head_dim = config.hidden_size // config.num_attention_heads
            per_token_all_heads = 2 * config.num_hidden_layers * config.num_attention_heads * head_dim
            return int(per_token_all_heads // group * seq_len * batch_size * bytes_per_value)""",
    },
    "q01_moe_active_params": {
        "count_expert_tensors": """
            c = model.config
            experts = sum(p.numel() for name, p in model.named_parameters() if ".experts." in name)
            return model.num_parameters() - experts + experts // c.num_local_experts * c.num_experts_per_tok""",
        "per_layer_loop": """
            c = model.config
            active = model.num_parameters()
            for _ in range(c.num_hidden_layers):
                for _ in range(c.num_local_experts - c.num_experts_per_tok):
                    active -= c.hidden_size * c.intermediate_size * 3
            return active""",
    },
}

globals().update(answer_tests(NAME, WRONG, RIGHT))
