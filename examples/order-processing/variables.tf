variable "path" {
  description = "IAM path of the roles and policies; every module of a platform must use the same one"
  type        = string
  default     = "/"

  validation {
    condition     = can(regex("^/([A-Za-z0-9.,+@=_-]+/)*$", var.path))
    error_message = "The path must begin and end with '/' and hold only letters, digits and .,+@=_-."
  }
}

variable "permissions_boundary" {
  description = "ARN of a managed policy to set as the permissions boundary of every role, or null"
  type        = string
  default     = null
}

variable "tags" {
  description = "Extra tags for every role and policy (they override iamgen's)"
  type        = map(string)
  default     = {}
}

variable "api_api_id" {
  description = "Id of this service's API Gateway REST API (known after it is created)"
  type        = string
}

variable "audit_queue_url" {
  description = "URL of SQS queue shop-audit-prod (aws_sqs_queue.*.url, or its id), for its queue policy"
  type        = string
}

variable "fulfilment_queue_url" {
  description = "URL of SQS queue shop-fulfilment-prod (aws_sqs_queue.*.url, or its id), for its queue policy"
  type        = string
}

variable "set_api_gateway_account" {
  description = "Make the role of service 'api' API Gateway's CloudWatch role for the account and region (aws_api_gateway_account). It is one setting per region, used by every REST API there: turning it on replaces the role another stack set"
  type        = bool
  default     = false
}
