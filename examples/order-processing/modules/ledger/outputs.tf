output "role_name" {
  description = "Name of the service's role"
  value       = aws_iam_role.this.name
}

output "role_arn" {
  description = "ARN of the service's role"
  value       = aws_iam_role.this.arn
}

output "policy_arn" {
  description = "ARN of the role's (first) permissions policy"
  value       = aws_iam_policy.this.arn
}

output "policy_arns" {
  description = "ARNs of all the role's permissions policies"
  value       = [aws_iam_policy.this.arn]
}

output "execution_role_name" {
  description = "Name of the task's execution role"
  value       = aws_iam_role.execution.name
}

output "execution_role_arn" {
  description = "ARN of the task's execution role"
  value       = aws_iam_role.execution.arn
}
