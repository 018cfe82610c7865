// Manages the resource-based policy of an Amazon Managed Service for Prometheus (AMP) workspace.
package awsamp
