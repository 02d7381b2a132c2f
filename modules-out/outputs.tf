output "role_arns" {
  description = "ARN of each service's role, by service"
  value = {
    pre_cleanup            = module.pre_cleanup.role_arn
    data_prep              = module.data_prep.role_arn
    data_validation        = module.data_validation.role_arn
    create_qa_table        = module.create_qa_table.role_arn
    create_results_table   = module.create_results_table.role_arn
    ensemble               = module.ensemble.role_arn
    predict                = module.predict.role_arn
    bedrock_action_handler = module.bedrock_action_handler.role_arn
    pipeline               = module.pipeline.role_arn
    pipeline_schedule      = module.pipeline_schedule.role_arn
    training               = module.training.role_arn
    inference              = module.inference.role_arn
    knowledge_base         = module.knowledge_base.role_arn
    assistant              = module.assistant.role_arn
    api                    = module.api.role_arn
  }
}

output "execution_role_arns" {
  description = "ARN of each ECS task's execution role, by service"
  value = {
    training  = module.training.execution_role_arn
    inference = module.inference.execution_role_arn
  }
}
