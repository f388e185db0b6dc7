import Foundation
import FunctionCalling

extension LoadedModel {
    /// The model's own Jinja chat template: its chat_template.jinja side file (where
    /// transformers 5 saves it), else `chat_template` of its tokenizer_config.json (older
    /// folders; an imported GGUF's `tokenizer.chat_template` lands there too), or nil.
    public var chatTemplateJinja: String? {
        if let jinja = huggingFaceFiles["chat_template.jinja"] { return jinja }
        guard let text = huggingFaceFiles["tokenizer_config.json"],
              let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
        return object["chat_template"] as? String
    }

    /// `options` completed from the model's own template: for `chatml`, the default system
    /// message the model's template writes (SmolLM2's), unless `options` already sets one, so
    /// prompts equal transformers' `apply_chat_template` with that template.
    public func templateOptions(for template: ChatTemplate, _ options: ChatTemplate.Options = ChatTemplate.Options()) -> ChatTemplate.Options {
        var options = options
        if template == .chatml, options.systemMessage == nil, let jinja = chatTemplateJinja,
           let (family, own) = ChatTemplate.recognize(jinja: jinja), family == .chatml {
            options.systemMessage = own.systemMessage
        }
        return options
    }
}

extension TaskCodec {
    /// The codec a run's config asks for, with the chat template options the policy's own
    /// template implies (`LoadedModel.templateOptions`).
    public init(policy: LoadedModel, model: TrainerConfig.Model) throws(TaskCodecError) {
        try self.init(tokenizer: policy.tokenizer, template: model.chatTemplate,
                      templateOptions: policy.templateOptions(for: model.chatTemplate,
                                                              ChatTemplate.Options(dateString: model.chatTemplateDate.isEmpty ? nil : model.chatTemplateDate)),
                      style: model.promptStyle)
    }
}
