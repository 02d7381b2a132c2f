output "role_arns" {
  description = "ARN of each service's role, by service"
  value = {
    api           = module.api.role_arn
    checkout      = module.checkout.role_arn
    fulfil        = module.fulfil.role_arn
    notify        = module.notify.role_arn
    ledger        = module.ledger.role_arn
    order_history = module.order_history.role_arn
    clicks        = module.clicks.role_arn
    returns       = module.returns.role_arn
    refund        = module.refund.role_arn
    tokenizer     = module.tokenizer.role_arn
  }
}

output "execution_role_arns" {
  description = "ARN of each ECS task's execution role, by service"
  value = {
    ledger = module.ledger.execution_role_arn
  }
}
