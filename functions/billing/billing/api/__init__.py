"""billing: the routes, thin handlers over the logic beside this package"""
