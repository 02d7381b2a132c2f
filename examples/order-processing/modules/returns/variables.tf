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
