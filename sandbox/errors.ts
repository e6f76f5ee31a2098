// Errors in each service's own code, message and HTTP status, as the AWS API references give them,
// so the SDK classifies them the way it would classify the real thing (throttling, access, server).

export type ServiceName = 'ec2' | 'rds' | 'iam' | 'sts' | 'cloudtrail' | 'logs' | 'organizations' | 'kms';
export type Protocol = 'ec2' | 'query' | 'json';

export const SERVICE_PROTOCOL: Record<ServiceName, Protocol> = {
  ec2: 'ec2',
  rds: 'query',
  iam: 'query',
  sts: 'query',
  cloudtrail: 'json',
  logs: 'json',
  organizations: 'json',
  kms: 'json',
};

/** An AWS error response: code, message, HTTP status, and the Query protocol's Sender/Receiver. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = code;
  }

  get type(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }

  get throttling(): boolean {
    return THROTTLING_CODES.has(this.code);
  }
}

const THROTTLING_CODES = new Set(['RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'TooManyRequestsException']);

export function throttlingError(service: ServiceName): AwsError {
  switch (service) {
    case 'ec2':
      return new AwsError('RequestLimitExceeded', 'Request limit exceeded.', 503);
    case 'iam':
    case 'rds':
    case 'sts':
      return new AwsError('Throttling', 'Rate exceeded', 400);
    case 'organizations':
      return new AwsError('TooManyRequestsException', 'AWS Organizations can\'t complete your request because another request is already in progress. Try again later.', 400);
    default:
      return new AwsError('ThrottlingException', 'Rate exceeded', 400);
  }
}

export function accessDeniedError(service: ServiceName, principalArn: string, action: string, resource = '*'): AwsError {
  const because = `because no identity-based policy allows the ${service}:${action} action`;
  switch (SERVICE_PROTOCOL[service]) {
    case 'ec2':
      return new AwsError('UnauthorizedOperation', `You are not authorized to perform this operation. User: ${principalArn} is not authorized to perform: ec2:${action} ${because}`, 403);
    case 'query':
      return new AwsError('AccessDenied', `User: ${principalArn} is not authorized to perform: ${service}:${action} on resource: ${resource} ${because}`, 403);
    default:
      return new AwsError('AccessDeniedException', `User: ${principalArn} is not authorized to perform: ${service}:${action} on resource: ${resource} ${because}`, 400);
  }
}

export function internalError(service: ServiceName, status = 500): AwsError {
  if (status === 503) return unavailableError(service);
  switch (service) {
    case 'ec2':
      return new AwsError('InternalError', 'An internal error has occurred', status);
    case 'iam':
      return new AwsError('ServiceFailure', 'Request processing has failed because of an unknown error, exception or failure.', status);
    case 'logs':
      return new AwsError('ServiceUnavailableException', 'The service cannot complete the request.', status);
    case 'organizations':
      return new AwsError('ServiceException', 'AWS Organizations can\'t complete your request because of an internal service error. Try again later.', status);
    default:
      return new AwsError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', status);
  }
}

export function unavailableError(service: ServiceName): AwsError {
  switch (SERVICE_PROTOCOL[service]) {
    case 'ec2':
      return new AwsError('Unavailable', 'The server is overloaded and can\'t handle the request.', 503);
    case 'query':
      return new AwsError('ServiceUnavailable', 'Service is unable to handle request.', 503);
    default:
      return new AwsError('ServiceUnavailableException', 'The service is unavailable. Please try again later.', 503);
  }
}

/** What AWS answers for unknown or unusable credentials, and for any call into a disabled region. */
export function invalidTokenError(service: ServiceName): AwsError {
  switch (SERVICE_PROTOCOL[service]) {
    case 'ec2':
      return new AwsError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
    case 'query':
      return new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    default:
      return new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400);
  }
}

export function missingAuthError(service: ServiceName): AwsError {
  switch (SERVICE_PROTOCOL[service]) {
    case 'ec2':
      return new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 401);
    case 'query':
      return new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    default:
      return new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', 400);
  }
}

export function unknownActionError(service: ServiceName, action: string): AwsError {
  switch (SERVICE_PROTOCOL[service]) {
    case 'ec2':
      return new AwsError('InvalidAction', `The action ${action} is not valid for this web service.`, 400);
    case 'query':
      return new AwsError('InvalidAction', `Could not find operation ${action} (the sandbox does not simulate it).`, 400);
    default:
      return new AwsError('UnknownOperationException', `Unknown operation ${action} (the sandbox does not simulate it).`, 400);
  }
}

/** A parameter AWS would reject. */
export function validationError(service: ServiceName, message: string): AwsError {
  switch (service) {
    case 'ec2':
    case 'rds':
      return new AwsError('InvalidParameterValue', message, 400);
    case 'iam':
    case 'sts':
      return new AwsError('ValidationError', message, 400);
    case 'organizations':
      return new AwsError('InvalidInputException', message, 400);
    default:
      return new AwsError('InvalidParameterException', message, 400);
  }
}

export function invalidNextTokenError(service: ServiceName): AwsError {
  switch (service) {
    case 'ec2':
      return new AwsError('InvalidPaginationToken', 'The specified pagination token is not valid or is expired.', 400);
    case 'cloudtrail':
      return new AwsError('InvalidNextTokenException', 'Invalid NextToken.', 400);
    default:
      return validationError(service, 'The pagination token (marker) is not valid.');
  }
}
