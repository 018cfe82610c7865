/** An end-to-end program that declares nothing yet: the stack `pulumi import` adopts a policy into. */
export {};
